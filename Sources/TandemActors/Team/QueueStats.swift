// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The live numbers of a team's queue: what a supervisor's dashboard shows.
public struct QueueStats: Codable, Sendable, Hashable {
    /// Tickets that are not closed, by status (keys are status raw values).
    public var byStatus: [String: Int]
    /// Unresolved tickets nobody is assigned to.
    public var unassigned: Int
    /// When the oldest ticket waiting for the team (`new` or `open`) was created.
    public var oldestWaitingSince: Timestamp?
    /// Unresolved tickets per assignee (keys are user ids).
    public var load: [String: Int]
    /// Unresolved `urgent` or `high` tickets with no first response yet.
    public var atRisk: Int

    /// Computes the numbers from the queue's tickets.
    public init(_ tickets: some Sequence<TicketSummary>) {
        var byStatus: [String: Int] = [:]
        var unassigned = 0
        var oldest: Timestamp?
        var load: [String: Int] = [:]
        var atRisk = 0
        for ticket in tickets where ticket.status != .closed {
            byStatus[ticket.status.rawValue, default: 0] += 1
            guard !ticket.status.isResolved else { continue }
            if let assignee = ticket.assignee { load[assignee.rawValue, default: 0] += 1 } else { unassigned += 1 }
            if ticket.status.isActive, oldest.map({ ticket.createdAt < $0 }) ?? true { oldest = ticket.createdAt }
            if ticket.priority >= .high && ticket.firstResponseAt == nil { atRisk += 1 }
        }
        self.byStatus = byStatus
        self.unassigned = unassigned
        self.oldestWaitingSince = oldest
        self.load = load
        self.atRisk = atRisk
    }
}

/// One change to a queue, with the numbers after it.
public struct QueueUpdate: Codable, Sendable, Hashable {
    /// The queue's own sequence number, increasing by one per update.
    public var sequence: Int64
    /// A ticket that joined the queue or changed.
    public var upsert: TicketSummary?
    /// A ticket that left the queue (closed, or moved to another team).
    public var removed: TicketID?
    public var stats: QueueStats

    public init(sequence: Int64, upsert: TicketSummary?, removed: TicketID?, stats: QueueStats) {
        self.sequence = sequence
        self.upsert = upsert
        self.removed = removed
        self.stats = stats
    }
}

/// A queue's full state, sent on subscribe.
public struct QueueSnapshot: Codable, Sendable, Hashable {
    public var team: TeamID?
    public var sequence: Int64
    /// Tickets that are not closed, oldest first.
    public var tickets: [TicketSummary]
    public var stats: QueueStats

    public init(team: TeamID?, sequence: Int64, tickets: [TicketSummary], stats: QueueStats) {
        self.team = team
        self.sequence = sequence
        self.tickets = tickets
        self.stats = stats
    }
}
