// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// One change to a ticket: the unit that is transformed, versioned, stored and broadcast.
///
/// Wire form (JSON), discriminated by `kind`:
/// - `{"kind":"text","field":"description","op":[3,"hi",{"d":2}]}`
/// - `{"kind":"set","field":"status","value":"open"}` (fields `subject`, `status`, `priority`,
///   `assignee`, `team`; `value` may be `null` for `assignee` and `team`)
/// - `{"kind":"tags","add":["vip"],"remove":["spam"]}`
/// - `{"kind":"comment","comment":{...}}` (made by the server from a comment request, or when a
///   pending reply is published)
/// - `{"kind":"set","field":"draftMode","value":"internal"}` (the shared draft's mode)
/// - `{"kind":"reply","reply":{"comment":{...},"publishAt":…}}` (server-made: a public reply by
///   staff enters its undo window)
/// - `{"kind":"withdraw","comment":"cmt_…"}` (server-made: a pending reply was undone)
public enum TicketChange: Sendable, Hashable {
    case text(TextField, TextOperation)
    case subject(String)
    case status(TicketStatus)
    case priority(TicketPriority)
    case assignee(UserID?)
    case team(TeamID?)
    case tags(TagOperation)
    case comment(Comment)
    /// The shared reply draft becomes a public reply or an internal note, for everyone.
    case draftMode(Visibility)
    /// A public reply by staff waits for its undo window (server-made).
    case pendingReply(PendingReply)
    /// A pending reply is taken back before it was published (server-made).
    case withdrawReply(CommentID)

    /// Whether only the server makes this change (clients ask for it with a request).
    public var isServerMade: Bool {
        switch self {
        case .comment, .pendingReply, .withdrawReply: true
        default: false
        }
    }

    /// Whether customers may see this change.
    public var isPublic: Bool {
        switch self {
        case .text(let field, _): field.isPublic
        case .subject, .status, .priority: true
        case .assignee, .team, .tags, .draftMode, .pendingReply, .withdrawReply: false
        case .comment(let comment): comment.visibility == .public
        }
    }

    /// This change rewritten to apply after the concurrent, already committed `committed`.
    ///
    /// Text operations on the same field are transformed (the committed one keeps priority
    /// at equal positions); tag operations yield as ``TagOperation`` defines; scalar sets
    /// are last-writer-wins in server order, so they pass through; comments commute.
    public func transformed(against committed: TicketChange) -> TicketChange {
        switch (self, committed) {
        case (.text(let field, let mine), .text(let theirField, let theirs)) where field == theirField:
            return .text(field, mine.transformed(against: theirs, hasPriority: false))
        case (.tags(let mine), .tags(let theirs)):
            return .tags(TagOperation.transform(mine, theirs, priority: .right).0)
        default:
            return self
        }
    }
}

extension TicketChange: Codable {
    private enum CodingKeys: String, CodingKey {
        case kind, field, op, value, add, remove, comment, reply
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        switch try container.decode(String.self, forKey: .kind) {
        case "text":
            self = .text(
                try container.decode(TextField.self, forKey: .field),
                try container.decode(TextOperation.self, forKey: .op))
        case "set":
            let field = try container.decode(String.self, forKey: .field)
            switch field {
            case "subject": self = .subject(try container.decode(String.self, forKey: .value))
            case "status": self = .status(try container.decode(TicketStatus.self, forKey: .value))
            case "priority": self = .priority(try container.decode(TicketPriority.self, forKey: .value))
            case "assignee": self = .assignee(try container.decodeIfPresent(UserID.self, forKey: .value))
            case "team": self = .team(try container.decodeIfPresent(TeamID.self, forKey: .value))
            case "draftMode": self = .draftMode(try container.decode(Visibility.self, forKey: .value))
            default:
                throw DecodingError.dataCorruptedError(
                    forKey: .field, in: container,
                    debugDescription: "field must be subject, status, priority, assignee, team or draftMode")
            }
        case "tags":
            let add = try container.decodeIfPresent([String].self, forKey: .add) ?? []
            let remove = try container.decodeIfPresent([String].self, forKey: .remove) ?? []
            do {
                self = .tags(try TagOperation(adding: Set(add), removing: Set(remove)))
            } catch {
                throw DecodingError.dataCorruptedError(forKey: .add, in: container, debugDescription: "\(error)")
            }
        case "comment":
            self = .comment(try container.decode(Comment.self, forKey: .comment))
        case "reply":
            self = .pendingReply(try container.decode(PendingReply.self, forKey: .reply))
        case "withdraw":
            self = .withdrawReply(try container.decode(CommentID.self, forKey: .comment))
        default:
            throw DecodingError.dataCorruptedError(
                forKey: .kind, in: container,
                debugDescription: "kind must be text, set, tags, comment, reply or withdraw")
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .text(let field, let op):
            try container.encode("text", forKey: .kind)
            try container.encode(field, forKey: .field)
            try container.encode(op, forKey: .op)
        case .subject(let value):
            try encodeSet(&container, "subject") { try $0.encode(value, forKey: .value) }
        case .status(let value):
            try encodeSet(&container, "status") { try $0.encode(value, forKey: .value) }
        case .priority(let value):
            try encodeSet(&container, "priority") { try $0.encode(value, forKey: .value) }
        case .assignee(let value):
            try encodeSet(&container, "assignee") { try $0.encode(value, forKey: .value) }
        case .team(let value):
            try encodeSet(&container, "team") { try $0.encode(value, forKey: .value) }
        case .tags(let op):
            try container.encode("tags", forKey: .kind)
            try container.encode(op.added.sorted(), forKey: .add)
            try container.encode(op.removed.sorted(), forKey: .remove)
        case .comment(let comment):
            try container.encode("comment", forKey: .kind)
            try container.encode(comment, forKey: .comment)
        case .draftMode(let value):
            try encodeSet(&container, "draftMode") { try $0.encode(value, forKey: .value) }
        case .pendingReply(let reply):
            try container.encode("reply", forKey: .kind)
            try container.encode(reply, forKey: .reply)
        case .withdrawReply(let id):
            try container.encode("withdraw", forKey: .kind)
            try container.encode(id, forKey: .comment)
        }
    }

    private func encodeSet(
        _ container: inout KeyedEncodingContainer<CodingKeys>, _ field: String,
        _ value: (inout KeyedEncodingContainer<CodingKeys>) throws -> Void
    ) throws {
        try container.encode("set", forKey: .kind)
        try container.encode(field, forKey: .field)
        try value(&container)
    }
}

/// A committed change: what the op log stores and subscribers receive.
public struct TicketOp: Codable, Sendable, Hashable {
    /// The ticket version this change produced (the first change produces version 1).
    public var version: Int64
    public var change: TicketChange
    public var author: UserID
    public var at: Timestamp
    /// The submitting client's id and sequence number, for deduplicating resends.
    public var client: String?
    public var seq: Int64?

    public init(version: Int64, change: TicketChange, author: UserID, at: Timestamp, client: String?, seq: Int64?) {
        self.version = version
        self.change = change
        self.author = author
        self.at = at
        self.client = client
        self.seq = seq
    }
}
