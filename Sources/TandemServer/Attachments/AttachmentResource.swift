// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore

/// An attachment as the REST API and the `attachment.added` frame show it.
struct AttachmentResource: ResponseEncodable, Sendable, Hashable {
    var id: String
    var ticket: String
    /// The comment it belongs to; absent while it belongs to the shared reply draft.
    var comment: String?
    var uploader: String
    var name: String
    /// Sniffed from the bytes.
    var type: String
    var size: Int64
    var sha256: String
    var visibility: String
    /// Whether the content is served inline (an image) rather than as a download.
    var inline: Bool
    var width: Int?
    var height: Int?
    var createdAt: Int64
    /// Where to fetch the bytes (Range requests welcome).
    var url: String
    /// Where to fetch a PNG thumbnail (images only).
    var thumbnailURL: String?

    init(_ attachment: Attachment) {
        id = attachment.id.rawValue
        ticket = attachment.ticket.rawValue
        comment = attachment.owner.comment?.rawValue
        uploader = attachment.uploader.rawValue
        name = attachment.name
        type = attachment.type
        size = attachment.size
        sha256 = attachment.sha256
        visibility = attachment.visibility.rawValue
        inline = attachment.isInlineImage
        width = attachment.width
        height = attachment.height
        createdAt = attachment.createdAt.millisecondsSince1970
        url = "/api/v1/tickets/\(ticket)/attachments/\(id)/content"
        thumbnailURL = attachment.thumbnail == nil ? nil : "/api/v1/tickets/\(ticket)/attachments/\(id)/thumbnail"
    }
}

/// `GET /api/v1/tickets/{id}/attachments`.
struct AttachmentListResource: ResponseEncodable, Sendable {
    var items: [AttachmentResource]
}
