// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Where a ticket is in its life.
///
/// ```
/// new ──► open ◄──► pending ◄──► on-hold
///  │       │  ▲        │             │
///  └───────┴──┼────────┴──► solved ◄─┘
///             └─(reopen)──── solved ──► closed (final)
/// ```
/// - `new` may move to any working state or straight to `solved`.
/// - `open`, `pending` and `on-hold` move freely among themselves and to `solved`.
/// - `solved` reopens to `open` (an agent, or a customer reply) or is `closed`.
/// - `closed` is final: a follow-up needs a new ticket. Nothing returns to `new`.
public enum TicketStatus: String, Codable, Sendable, CaseIterable {
    case new
    case open
    case pending
    case onHold = "on-hold"
    case solved
    case closed

    /// The statuses this one may move to.
    public var successors: Set<TicketStatus> {
        switch self {
        case .new: [.open, .pending, .onHold, .solved]
        case .open: [.pending, .onHold, .solved]
        case .pending: [.open, .onHold, .solved]
        case .onHold: [.open, .pending, .solved]
        case .solved: [.open, .closed]
        case .closed: []
        }
    }

    /// Whether moving to `next` is allowed (staying put is always allowed).
    public func canMove(to next: TicketStatus) -> Bool { next == self || successors.contains(next) }

    /// Whether the ticket is waiting for the support team (counts toward queue load).
    public var isActive: Bool { self == .new || self == .open }

    /// Whether the ticket is finished (solved or closed).
    public var isResolved: Bool { self == .solved || self == .closed }
}

/// How urgent a ticket is.
public enum TicketPriority: String, Codable, Sendable, CaseIterable, Comparable {
    case low, normal, high, urgent

    private var rank: Int {
        switch self {
        case .low: 0
        case .normal: 1
        case .high: 2
        case .urgent: 3
        }
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rank < rhs.rank }
}

/// Who may see a comment.
public enum Visibility: String, Codable, Sendable, CaseIterable {
    /// A public reply: the customer sees it.
    case `public`
    /// An internal note between agents.
    case `internal`
}

/// The collaborative text fields of a ticket.
public enum TextField: String, Codable, Sendable, CaseIterable {
    /// What the customer asked; public.
    case description
    /// Notes for agents only.
    case internalNotes
    /// The shared reply draft agents write together before posting it.
    case replyDraft

    /// Whether customers may see this field.
    public var isPublic: Bool { self == .description }
}
