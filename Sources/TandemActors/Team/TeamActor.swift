// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The live queue of one team (or, with `team == nil`, the triage queue of
/// tickets no team owns yet): its tickets' summaries and the numbers over them,
/// kept current from ticket commits and pushed to subscribers.
public actor TeamActor {
    public nonisolated let team: TeamID?
    public nonisolated var topic: String { team.map { "team:\($0.rawValue)" } ?? "team:triage" }
    private let delivery: any EventDelivery
    private let policy = AccessPolicy()
    private var tickets: [TicketID: TicketSummary]
    private var sequence: Int64 = 0
    private var subscribers: [SubscriberAddress: SubscriberInfo] = [:]
    private var stats: QueueStats
    var lastActivity: Timestamp

    init(team: TeamID?, tickets: [TicketSummary], delivery: any EventDelivery, now: Timestamp) {
        self.team = team
        self.delivery = delivery
        self.tickets = Dictionary(tickets.map { ($0.id, $0) }, uniquingKeysWith: { a, b in a.version >= b.version ? a : b })
        self.stats = QueueStats(tickets)
        self.lastActivity = now
    }

    /// Subscribes a member of the team (any staff for the triage queue); the queue is
    /// delivered to the subscriber ahead of any later update, and returned.
    @discardableResult
    public func subscribe(
        _ subscriber: SubscriberInfo, principal: Principal, now: Timestamp, ref: String? = nil
    ) throws(TicketActorError) -> QueueSnapshot {
        let decision: Decision
        if let team {
            decision = policy.decide(principal, .readTeam, .team(team))
        } else {
            decision = principal.role.isStaff ? .allow : .deny("Only support staff see the triage queue.")
        }
        if case .deny(let reason) = decision { throw .forbidden(reason) }
        let current = snapshot
        delivery.deliver(.queueSnapshot(topic: topic, snapshot: current, ref: ref), to: [subscriber.address])
        subscribers[subscriber.address] = subscriber
        lastActivity = now
        return current
    }

    public func unsubscribe(_ address: SubscriberAddress, now: Timestamp) {
        subscribers[address] = nil
        lastActivity = now
    }

    /// The queue now.
    public var snapshot: QueueSnapshot {
        QueueSnapshot(
            team: team, sequence: sequence,
            tickets: tickets.values.sorted { $0.createdAt == $1.createdAt ? $0.id < $1.id : $0.createdAt < $1.createdAt },
            stats: stats)
    }

    /// Takes a ticket's new summary: joins, updates or leaves the queue. Older versions are ignored.
    public func ticketChanged(_ summary: TicketSummary) {
        if let known = tickets[summary.id], known.version >= summary.version { return }
        let belongs = summary.team == team && summary.status != .closed
        let update: QueueUpdate
        if belongs {
            tickets[summary.id] = summary
            stats = QueueStats(tickets.values)
            sequence += 1
            update = QueueUpdate(sequence: sequence, upsert: summary, removed: nil, stats: stats)
        } else if tickets.removeValue(forKey: summary.id) != nil {
            stats = QueueStats(tickets.values)
            sequence += 1
            update = QueueUpdate(sequence: sequence, upsert: nil, removed: summary.id, stats: stats)
        } else {
            return
        }
        if !subscribers.isEmpty {
            delivery.deliver(.queue(topic: topic, update: update), to: Array(subscribers.keys))
        }
    }

    /// Removes the subscribers held on nodes that are not in `alive` (they stopped).
    func dropSubscribers(notOn alive: Set<String>) {
        for address in subscribers.keys where !alive.contains(address.node) { subscribers[address] = nil }
    }

    /// Stops serving (the lease moved to another node): subscribers resubscribe and reach the new owner.
    func evict() {
        guard !subscribers.isEmpty else { return }
        delivery.deliver(.resync(topic: topic, reason: "owner_changed"), to: Array(subscribers.keys))
        subscribers.removeAll()
    }

    /// Whether nobody watches the queue and it has been idle for `idleMilliseconds`.
    func isIdle(now: Timestamp, idleMilliseconds: Int64) -> Bool {
        subscribers.isEmpty && now.millisecondsSince1970 - lastActivity.millisecondsSince1970 >= idleMilliseconds
    }
}
