// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The complete state of one ticket at one version: what a snapshot stores and
/// what replaying snapshot + operations must reproduce exactly.
public struct Ticket: Codable, Sendable, Hashable, Identifiable {
    public var id: TicketID
    /// The number people say and type (#1042): allocated by the store when the ticket is
    /// created, unique across the cluster and never reused; 0 until then. Never changes.
    public var number: Int64
    /// The number of operations applied since creation (0 when created).
    public var version: Int64
    public var subject: String
    public var description: ScalarText
    public var status: TicketStatus
    public var priority: TicketPriority
    public var requester: UserID
    public var team: TeamID?
    public var assignee: UserID?
    public var tags: Set<String>
    public var internalNotes: ScalarText
    public var replyDraft: ScalarText
    public var comments: [Comment]
    public var history: [HistoryEntry]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    /// When staff first posted a public reply.
    public var firstResponseAt: Timestamp?
    /// When the ticket last became solved; cleared on reopen.
    public var solvedAt: Timestamp?
    /// The last sequence number committed per client, for deduplicating resent operations.
    /// Part of the state so that it survives snapshots, restarts and failover.
    public var clientSequences: [String: ClientSequence]
    /// The shared reply draft's mode (public reply or internal note), the same for everyone.
    public var replyDraftMode: DraftMode
    /// Public replies by staff inside their undo window, oldest first. Staff only.
    public var pendingReplies: [PendingReply]

    public init(
        id: TicketID, subject: String, description: String, status: TicketStatus = .new,
        priority: TicketPriority = .normal, requester: UserID, team: TeamID? = nil, assignee: UserID? = nil,
        tags: Set<String> = [], createdAt: Timestamp
    ) {
        self.id = id
        self.number = 0
        self.version = 0
        self.subject = subject
        self.description = ScalarText(description)
        self.status = status
        self.priority = priority
        self.requester = requester
        self.team = team
        self.assignee = assignee
        self.tags = tags
        self.internalNotes = ""
        self.replyDraft = ""
        self.comments = []
        self.history = []
        self.createdAt = createdAt
        self.updatedAt = createdAt
        self.firstResponseAt = nil
        self.solvedAt = nil
        self.clientSequences = [:]
        self.replyDraftMode = DraftMode()
        self.pendingReplies = []
    }

    private enum CodingKeys: String, CodingKey {
        case id, number, version, subject, description, status, priority, requester, team, assignee, tags, internalNotes
        case replyDraft, comments, history, createdAt, updatedAt, firstResponseAt, solvedAt, clientSequences
        case replyDraftMode, pendingReplies
    }

    /// Snapshots written before the draft mode and pending replies existed decode with a public
    /// draft and nothing pending; those written before ticket numbers, with number 0 (the
    /// stores' `v8-desk` migrations number them).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(TicketID.self, forKey: .id)
        number = try c.decodeIfPresent(Int64.self, forKey: .number) ?? 0
        version = try c.decode(Int64.self, forKey: .version)
        subject = try c.decode(String.self, forKey: .subject)
        description = try c.decode(ScalarText.self, forKey: .description)
        status = try c.decode(TicketStatus.self, forKey: .status)
        priority = try c.decode(TicketPriority.self, forKey: .priority)
        requester = try c.decode(UserID.self, forKey: .requester)
        team = try c.decodeIfPresent(TeamID.self, forKey: .team)
        assignee = try c.decodeIfPresent(UserID.self, forKey: .assignee)
        tags = try c.decode(Set<String>.self, forKey: .tags)
        internalNotes = try c.decode(ScalarText.self, forKey: .internalNotes)
        replyDraft = try c.decode(ScalarText.self, forKey: .replyDraft)
        comments = try c.decode([Comment].self, forKey: .comments)
        history = try c.decode([HistoryEntry].self, forKey: .history)
        createdAt = try c.decode(Timestamp.self, forKey: .createdAt)
        updatedAt = try c.decode(Timestamp.self, forKey: .updatedAt)
        firstResponseAt = try c.decodeIfPresent(Timestamp.self, forKey: .firstResponseAt)
        solvedAt = try c.decodeIfPresent(Timestamp.self, forKey: .solvedAt)
        clientSequences = try c.decode([String: ClientSequence].self, forKey: .clientSequences)
        replyDraftMode = try c.decodeIfPresent(DraftMode.self, forKey: .replyDraftMode) ?? DraftMode()
        pendingReplies = try c.decodeIfPresent([PendingReply].self, forKey: .pendingReplies) ?? []
    }

    /// When the earliest pending reply is due, if any (stores index it to publish after a restart).
    public var nextReplyDue: Timestamp? {
        pendingReplies.map(\.publishAt).min()
    }

    /// The text of a collaborative field.
    public func text(_ field: TextField) -> ScalarText {
        switch field {
        case .description: description
        case .internalNotes: internalNotes
        case .replyDraft: replyDraft
        }
    }

    /// Replaces the text of a collaborative field.
    mutating func setText(_ field: TextField, _ text: ScalarText) {
        switch field {
        case .description: description = text
        case .internalNotes: internalNotes = text
        case .replyDraft: replyDraft = text
        }
    }

    /// The queue-level facts about this ticket.
    public var summary: TicketSummary {
        TicketSummary(
            id: id, number: number, version: version, subject: subject, status: status, priority: priority, requester: requester,
            team: team, assignee: assignee, tags: tags, createdAt: createdAt, updatedAt: updatedAt,
            firstResponseAt: firstResponseAt, solvedAt: solvedAt)
    }
}

/// What queues, lists and dashboards need about a ticket, without its texts.
public struct TicketSummary: Codable, Sendable, Hashable, Identifiable {
    public var id: TicketID
    /// See ``Ticket/number``.
    public var number: Int64
    public var version: Int64
    public var subject: String
    public var status: TicketStatus
    public var priority: TicketPriority
    public var requester: UserID
    public var team: TeamID?
    public var assignee: UserID?
    public var tags: Set<String>
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var firstResponseAt: Timestamp?
    public var solvedAt: Timestamp?

    public init(
        id: TicketID, number: Int64, version: Int64, subject: String, status: TicketStatus, priority: TicketPriority,
        requester: UserID, team: TeamID?, assignee: UserID?, tags: Set<String>, createdAt: Timestamp,
        updatedAt: Timestamp, firstResponseAt: Timestamp?, solvedAt: Timestamp?
    ) {
        self.id = id
        self.number = number
        self.version = version
        self.subject = subject
        self.status = status
        self.priority = priority
        self.requester = requester
        self.team = team
        self.assignee = assignee
        self.tags = tags
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.firstResponseAt = firstResponseAt
        self.solvedAt = solvedAt
    }
}

/// The last operation a client had committed on a ticket.
public struct ClientSequence: Codable, Sendable, Hashable {
    public var seq: Int64
    public var version: Int64

    public init(seq: Int64, version: Int64) {
        self.seq = seq
        self.version = version
    }

    /// The key of a client's entry: scoped by author, so one user cannot collide with another's client id.
    public static func key(author: UserID, client: String) -> String { "\(author.rawValue)/\(client)" }
}
