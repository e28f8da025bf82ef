// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Filters for listing and searching tickets. All given conditions must hold.
public struct TicketFilter: Sendable, Hashable {
    public var statuses: Set<TicketStatus>?
    public var priority: TicketPriority?
    public var requester: UserID?
    /// Tickets owned by this team.
    public var team: TeamID?
    /// Restricts to tickets of these teams or of no team (what a non-admin agent may see).
    public var visibleTeams: Set<TeamID>?
    /// `.some(nil)` means unassigned.
    public var assignee: UserID??
    public var tag: String?
    /// Full-text query over subject, description and comments; a query that is a ticket
    /// number (`1042`, `#1042`, ``TicketNumberQuery``) also matches the ticket with that number.
    public var query: String?
    /// When searching, match only what customers may see (no internal notes or comments).
    public var publicOnly: Bool

    public init(
        statuses: Set<TicketStatus>? = nil, priority: TicketPriority? = nil, requester: UserID? = nil,
        team: TeamID? = nil, visibleTeams: Set<TeamID>? = nil, assignee: UserID?? = nil, tag: String? = nil,
        query: String? = nil, publicOnly: Bool = false
    ) {
        self.statuses = statuses
        self.priority = priority
        self.requester = requester
        self.team = team
        self.visibleTeams = visibleTeams
        self.assignee = assignee
        self.tag = tag
        self.query = query
        self.publicOnly = publicOnly
    }
}

/// A ticket as loaded for activation: the latest snapshot and every operation after it.
public struct StoredTicket: Sendable {
    public var snapshot: Ticket
    /// Operations with versions `snapshot.version + 1 ...`, contiguous and in order.
    public var ops: [TicketOp]

    public init(snapshot: Ticket, ops: [TicketOp]) {
        self.snapshot = snapshot
        self.ops = ops
    }
}

/// Tickets: snapshots and the operation log.
///
/// The op log has a unique key on (ticket, version): it is the fence that makes
/// a second writer of the same version fail with ``StoreError/versionConflict(kind:id:version:)``.
public protocol TicketStore: Sendable {
    /// Inserts a new ticket at version 0 and returns it as stored: with the next ticket number
    /// when `ticket.number` is 0 (``TicketNumberStore``), else with its own (a restore; the
    /// counter moves up to it). ``StoreError/duplicate(kind:field:)`` if the id (field `id`)
    /// or the given number (field `number`) is taken.
    @discardableResult
    func createTicket(_ ticket: Ticket) async throws -> Ticket
    /// The latest snapshot and the operations after it, or `nil`.
    func loadTicket(id: TicketID) async throws -> StoredTicket?
    /// Appends `ops` (contiguous versions following what is stored) and, if given, replaces
    /// the snapshot, in one transaction: either all of it is durable or none of it.
    func commit(ticket: TicketID, ops: [TicketOp], snapshot: Ticket?) async throws
    /// Stored operations with version > `after` and ≤ `through`, in order. May start later than
    /// `after + 1` when older entries were purged; the caller checks continuity.
    func ops(ticket: TicketID, after: Int64, through: Int64) async throws -> [TicketOp]
    /// Ticket summaries (as of their latest snapshot) in id order, filtered.
    func listTickets(_ filter: TicketFilter, page: PageRequest) async throws -> Page<TicketSummary>
    /// Every ticket of a team (or of no team when `team` is nil) that is not closed, for queue activation.
    func openTickets(team: TeamID?) async throws -> [TicketSummary]
    func countTickets() async throws -> Int
    /// Tickets whose stored snapshot holds a pending reply due at or before `now`, earliest due
    /// first, at most `limit`: what must be published after a restart or a node's death.
    func ticketsWithDueReplies(at now: Timestamp, limit: Int) async throws -> [TicketID]
}

/// Notifications for users.
public protocol NotificationStore: Sendable {
    func createNotifications(_ notifications: [UserNotification]) async throws
    /// A user's notifications, newest first.
    func notifications(of user: UserID, unreadOnly: Bool, page: PageRequest) async throws -> Page<UserNotification>
    func unreadCount(of user: UserID) async throws -> Int
    /// Marks the given notifications of `user` as read (all when `ids` is nil); returns how many changed.
    @discardableResult
    func markRead(user: UserID, ids: [NotificationID]?, at: Timestamp) async throws -> Int
}
