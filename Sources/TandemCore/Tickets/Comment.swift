// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A reply or internal note on a ticket. Comments are append-only.
public struct Comment: Codable, Sendable, Hashable, Identifiable {
    public var id: CommentID
    public var author: UserID
    public var body: String
    public var visibility: Visibility
    /// Users notified by `@` in this comment.
    public var mentions: [UserID]
    public var createdAt: Timestamp

    public init(
        id: CommentID, author: UserID, body: String, visibility: Visibility, mentions: [UserID] = [],
        createdAt: Timestamp
    ) {
        self.id = id
        self.author = author
        self.body = body
        self.visibility = visibility
        self.mentions = mentions
        self.createdAt = createdAt
    }
}

/// One line of a ticket's history: who changed what, when.
public struct HistoryEntry: Codable, Sendable, Hashable {
    public var version: Int64
    public var actor: UserID
    public var at: Timestamp
    /// The field or event, for example `status`, `comment`, `description`.
    public var field: String
    /// A short rendering of the old value, when there is one.
    public var from: String?
    /// A short rendering of the new value, when there is one.
    public var to: String?
    /// Whether customers may see this line.
    public var isPublic: Bool

    public init(
        version: Int64, actor: UserID, at: Timestamp, field: String, from: String? = nil, to: String? = nil,
        isPublic: Bool
    ) {
        self.version = version
        self.actor = actor
        self.at = at
        self.field = field
        self.from = from
        self.to = to
        self.isPublic = isPublic
    }
}
