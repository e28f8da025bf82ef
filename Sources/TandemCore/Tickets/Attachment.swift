// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

public enum AttachmentTag {}
public typealias AttachmentID = Identifier<AttachmentTag>

/// What an attachment belongs to: the ticket's shared reply draft, or a comment.
public enum AttachmentOwner: Hashable, Sendable, Codable {
    /// The shared reply draft; it moves to the comment the draft becomes.
    case draft
    case comment(CommentID)

    /// The comment, if it belongs to one.
    public var comment: CommentID? {
        if case .comment(let id) = self { return id }
        return nil
    }
}

/// A file attached to a ticket's comment or reply draft. The bytes live in attachment storage
/// under ``sha256``; this record says whose they are and who may see them.
///
/// Visibility follows the owner: an attachment of the unsent draft or of an internal note is
/// ``Visibility/internal`` (staff only); one of a public reply is ``Visibility/public``.
public struct Attachment: Codable, Sendable, Hashable, Identifiable {
    public var id: AttachmentID
    public var ticket: TicketID
    public var owner: AttachmentOwner
    public var uploader: UserID
    /// A safe file name (``AttachmentName``).
    public var name: String
    /// The MIME type sniffed from the bytes (never the client's word).
    public var type: String
    public var size: Int64
    /// The bytes' SHA-256 (64 lowercase hex digits): their address in storage.
    public var sha256: String
    /// The SHA-256 of a PNG thumbnail, for images.
    public var thumbnail: String?
    /// An image's size in pixels.
    public var width: Int?
    public var height: Int?
    public var visibility: Visibility
    public var createdAt: Timestamp

    public init(
        id: AttachmentID, ticket: TicketID, owner: AttachmentOwner, uploader: UserID, name: String, type: String,
        size: Int64, sha256: String, thumbnail: String? = nil, width: Int? = nil, height: Int? = nil,
        visibility: Visibility, createdAt: Timestamp
    ) {
        self.id = id
        self.ticket = ticket
        self.owner = owner
        self.uploader = uploader
        self.name = name
        self.type = type
        self.size = size
        self.sha256 = sha256
        self.thumbnail = thumbnail
        self.width = width
        self.height = height
        self.visibility = visibility
        self.createdAt = createdAt
    }

    /// Whether it is an image a browser may show inline (a raster type libvips read).
    public var isInlineImage: Bool { thumbnail != nil && Attachment.inlineImageTypes.contains(type) }

    /// Raster types shown inline; everything else is downloaded.
    public static let inlineImageTypes: Set<String> = ["image/png", "image/jpeg", "image/gif", "image/webp"]
}
