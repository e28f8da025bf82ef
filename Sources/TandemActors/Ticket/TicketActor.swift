// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

/// The single writer and ordering point of one ticket.
///
/// It owns the ticket's durable state, the operations kept for catch-up, the
/// subscribers and their presence. The write path, in order:
/// check the version → authorize → transform against the operations since the
/// base → apply (speculatively) → commit to the store (grouped with whatever else
/// arrived meanwhile) → acknowledge and broadcast, in version order.
/// Nothing is acknowledged or broadcast before it is durable.
public actor TicketActor {
    public nonisolated let id: TicketID
    public nonisolated var topic: String { "ticket:\(id.rawValue)" }
    let context: TicketActorContext

    /// The state as of the last durable operation: what subscribers may see.
    var durable: Ticket
    /// The durable state plus operations not yet committed; `nil` when nothing is pending.
    var speculative: Ticket?
    /// The latest snapshot's version and when the first op after it was committed.
    var snapshotVersion: Int64
    var firstUnsnapshottedAt: Timestamp?
    /// Recently committed operations (durable), oldest first, for catch-up and transformation.
    var recent: [TicketOp]
    /// Applied but not yet durable, in version order, waiting for the next group commit.
    var queue: [PendingCommit] = []
    /// The batch being written right now (applied, not yet durable).
    var committing: [PendingCommit] = []
    /// Whether a group commit is in progress (its leader owns the store write).
    var flushing = false
    var subscribers: [SubscriberAddress: SubscriberInfo] = [:]
    /// Who each subscriber is, to re-check access when the ticket moves between teams.
    var principals: [SubscriberAddress: Principal] = [:]
    var presence: [SubscriberAddress: Presence] = [:]
    /// When each presence last said it was typing or placed a caret (its `presence` message;
    /// heartbeats do not count). Only entries with such activity are listed.
    var activityRenewedAt: [SubscriberAddress: Timestamp] = [:]
    /// Ops in the last committed batch, and the leader waiting for a batch that size to queue.
    var lastBatchSize = 0
    var batchGathering: BatchGathering?
    var gatherings: UInt64 = 0
    /// Set once the actor stops serving (passivated, or fenced by another owner).
    var inactive = false
    var lastActivity: Timestamp

    init(stored: StoredTicket, context: TicketActorContext) throws {
        var ticket = stored.snapshot
        for op in stored.ops {
            do {
                try ticket.apply(op, limits: context.settings.limits)
            } catch {
                throw StoreError.corrupt("ticket \(stored.snapshot.id) op \(op.version) does not replay: \(error)")
            }
        }
        self.id = ticket.id
        self.context = context
        self.durable = ticket
        self.snapshotVersion = stored.snapshot.version
        self.recent = stored.ops
        self.lastActivity = context.clock.now()
        self.firstUnsnapshottedAt = stored.ops.first?.at
    }

    /// The current durable version.
    public var version: Int64 { durable.version }

    /// The durable ticket, for REST reads, if `principal` may see it.
    public func view(for principal: Principal) throws(TicketActorError) -> TicketView {
        try checkActive()
        try authorize(principal, .readTicket)
        return TicketView(durable, audience: audience(of: principal))
    }

    /// Staff audience only for those who may work the ticket internally: an agent who
    /// reads another team's ticket as its requester sees it as a customer would.
    func audience(of principal: Principal) -> Audience {
        context.policy.decide(principal, .workInternal, .ticket(requester: durable.requester, team: durable.team))
            .isAllowed ? .staff : .public
    }

    // MARK: Subscriptions

    /// Adds a subscriber (or refreshes an existing one: subscribing again is how a client
    /// resyncs) and returns where it starts: a snapshot, or exactly the operations after
    /// `fromVersion`. The reply is also delivered to the subscriber, ahead of every later
    /// broadcast, so it cannot be overtaken.
    public func subscribe(_ request: SubscribeRequest) async throws(TicketActorError) -> SubscribeReply {
        try checkActive()
        try authorize(request.principal, .readTicket)
        lastActivity = context.clock.now()
        var reply: SubscribeReply
        if let from = request.fromVersion {
            if from > durable.version { try await refuseVersion(ahead: from) }
            if let ops = try await durableOps(after: from) {
                try checkActive()
                reply = .ops(ops, version: durable.version, presence: [])
            } else {
                reply = .snapshot(TicketView(durable, audience: audience(of: request.principal)), presence: [])
            }
        } else {
            reply = .snapshot(TicketView(durable, audience: audience(of: request.principal)), presence: [])
        }
        // Everything below runs in one actor turn: no broadcast can slip in between.
        let audience = audience(of: request.principal)
        if case .ops(let ops, let version, _) = reply, audience == .public {
            reply = .ops(ops.filter(\.change.isPublic), version: version, presence: [])
        }
        var subscriber = request.subscriber
        subscriber.audience = audience
        let present = audience == .staff ? Array(presence.values) : []
        switch reply {
        case .snapshot(let view, _): reply = .snapshot(view, presence: present)
        case .ops(let ops, let version, _): reply = .ops(ops, version: version, presence: present)
        }
        context.delivery.deliver(
            .subscribed(topic: topic, reply: reply, audience: audience, ref: request.ref), to: [subscriber.address])
        subscribers[subscriber.address] = subscriber
        principals[subscriber.address] = request.principal
        if audience == .public && agentsReplying {
            context.delivery.deliver(.agentActivity(topic: topic, replying: true), to: [subscriber.address])
        }
        return reply
    }

    /// Re-checks a subscriber whose permissions changed: refreshes what it may see, or
    /// removes it. Returns whether it may still read the ticket.
    public func recheck(_ address: SubscriberAddress, principal: Principal) -> Bool {
        guard subscribers[address] != nil else { return mayRead(principal) }
        guard mayRead(principal) else {
            unsubscribe(address)
            return false
        }
        principals[address] = principal
        refreshAudience(address, principal)
        return true
    }

    /// Sets a subscriber's audience; when it changed, sends a fresh snapshot in the new view,
    /// since the subscriber's copy lacks (or must lose) the fields of the other view.
    private func refreshAudience(_ address: SubscriberAddress, _ principal: Principal) {
        let now = audience(of: principal)
        guard let before = subscribers[address]?.audience, before != now else { return }
        subscribers[address]?.audience = now
        let present = now == .staff ? Array(presence.values) : []
        context.delivery.deliver(
            .subscribed(
                topic: topic, reply: .snapshot(TicketView(durable, audience: now), presence: present), audience: now,
                ref: nil),
            to: [address])
    }

    /// After the ticket moved between teams: drops subscribers who may no longer read it
    /// (they get `unsubscribed`) and refreshes everyone's audience.
    func reauthorizeSubscribers() {
        for (address, principal) in principals {
            if mayRead(principal) {
                refreshAudience(address, principal)
            } else {
                unsubscribe(address)
                context.delivery.deliver(.unsubscribed(topic: topic, reason: "forbidden"), to: [address])
            }
        }
    }

    /// Removes a subscriber and its presence.
    public func unsubscribe(_ address: SubscriberAddress) {
        subscribers[address] = nil
        principals[address] = nil
        activityRenewedAt[address] = nil
        if let gone = presence.removeValue(forKey: address) {
            broadcastPresenceLeft(gone)
        }
        lastActivity = context.clock.now()
    }

    /// Durable operations after `version`, or `nil` when some are no longer kept.
    /// Awaits the store only when the in-memory window does not reach back far enough;
    /// operations committed meanwhile are appended from memory, so the result is contiguous.
    func durableOps(after version: Int64) async throws(TicketActorError) -> [TicketOp]? {
        if version == durable.version { return [] }
        if let first = recent.first, first.version <= version + 1 {
            // `recent` is contiguous in version order: slice instead of filtering.
            let start = recent.startIndex + Int(max(0, version + 1 - first.version))
            return start < recent.endIndex ? Array(recent[start...]) : []
        }
        let target = durable.version
        let stored: [TicketOp]
        do {
            stored = try await context.store.ops(ticket: id, after: version, through: target)
        } catch {
            throw .unavailable("\(error)")
        }
        guard stored.first?.version == version + 1, stored.last?.version == target else { return nil }
        guard let first = recent.first else { return stored }
        let start = recent.startIndex + Int(max(0, target + 1 - first.version))
        return start < recent.endIndex ? stored + recent[start...] : stored
    }

    // MARK: Helpers

    func checkActive() throws(TicketActorError) {
        if inactive { throw .inactive }
    }

    func authorize(_ principal: Principal, _ action: Action) throws(TicketActorError) {
        let decision = context.policy.decide(principal, action, .ticket(requester: durable.requester, team: durable.team))
        if case .deny(let reason) = decision { throw .forbidden(reason) }
    }

    /// Addresses of subscribers who may see `change`, except `excluding`.
    /// Delivers `attachment` to the subscribers who may see it: everyone for a public comment's,
    /// staff only for an internal comment's or the reply draft's.
    public func attachmentAdded(_ attachment: Attachment) {
        guard attachment.ticket == id else { return }
        let isPublic = attachment.visibility == .public && attachment.owner.comment != nil
        let addresses = subscribers.values.compactMap { info in
            isPublic || info.audience == .staff ? info.address : nil
        }
        guard !addresses.isEmpty else { return }
        context.delivery.deliver(.attachment(topic: topic, attachment: attachment), to: addresses)
    }

    func audience(for change: TicketChange, excluding: SubscriberAddress?) -> [SubscriberAddress] {
        let isPublic = change.isPublic
        return subscribers.values.compactMap { info in
            guard info.address != excluding, isPublic || info.audience == .staff else { return nil }
            return info.address
        }
    }
}

extension TicketActor {
    /// Whether `principal` may still read this ticket (permission re-checks).
    public func mayRead(_ principal: Principal) -> Bool {
        context.policy.decide(principal, .readTicket, .ticket(requester: durable.requester, team: durable.team)).isAllowed
    }
}
