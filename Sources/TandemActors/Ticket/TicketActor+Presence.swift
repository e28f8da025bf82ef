// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

extension TicketActor {
    /// Records and broadcasts a subscriber's presence. A selection made on an older
    /// version is first moved through the edits committed since.
    public func updatePresence(_ update: PresenceUpdate) async throws(TicketActorError) {
        try checkActive()
        let address = update.subscriber.address
        guard let registered = subscribers[address] else { throw .notSubscribed }
        if registered.audience == .public && (update.field != nil || update.selection != nil) {
            throw .forbidden("Customers share no cursor.")
        }
        if update.selection != nil && update.field == nil {
            throw .invalid(
                .invalid(ValidationError(field: "selection", code: "invalid", message: "A selection needs its field.")))
        }
        var selection = update.selection
        if let field = update.field, var moved = selection {
            if let from = update.version, from < durable.version {
                guard from >= 0, let ops = try await durableOps(after: from) else { throw .versionTooOld }
                try checkActive()
                for op in ops {
                    if case .text(field, let operation) = op.change {
                        moved.transform(by: operation, isOwn: op.author == update.subscriber.user)
                    }
                }
            }
            do {
                try moved.validate(length: durable.text(field).count)
            } catch {
                throw .invalid(.invalidOperation(error))
            }
            selection = moved
        }
        guard subscribers[address] != nil else { throw .notSubscribed }
        let wasReplying = agentsReplying
        let entry = Presence(
            user: update.subscriber.user, name: update.subscriber.name, connection: address, state: update.state,
            field: update.field, selection: selection, updatedAt: context.clock.now())
        presence[address] = entry
        activityRenewedAt[address] = Self.isActive(entry) ? entry.updatedAt : nil
        lastActivity = entry.updatedAt
        let staff = subscribers.values.filter { $0.audience == .staff && $0.address != address }.map(\.address)
        context.delivery.deliver(.presence(topic: topic, presence: entry), to: staff)
        announceReplyingIfChanged(from: wasReplying)
    }

    /// Keeps a connection's presence alive (heartbeats).
    public func touch(_ address: SubscriberAddress) {
        presence[address]?.updatedAt = context.clock.now()
    }

    /// Moves stored carets through committed edits so that new subscribers see them in place.
    func moveSelections(through ops: [TicketOp]) {
        guard !presence.isEmpty else { return }
        for op in ops {
            guard case .text(let field, let operation) = op.change else { continue }
            for (address, entry) in presence where entry.field == field {
                presence[address]?.selection = entry.selection?.transformed(
                    by: operation, isOwn: entry.user == op.author)
            }
        }
    }

    /// Drops presence that has not been refreshed within the TTL, and turns typing and carets
    /// that were not renewed within the activity TTL into plain viewing (told to the staff view
    /// as a `presence` frame; the public view hears `agent_activity` when replying ends).
    func expirePresence(now: Timestamp) {
        let cutoff = now.adding(milliseconds: -context.settings.presenceTTLMilliseconds)
        for (_, entry) in presence where entry.updatedAt < cutoff {
            presence[entry.connection] = nil
            activityRenewedAt[entry.connection] = nil
            broadcastPresenceLeft(entry)
        }
        let activityCutoff = now.adding(milliseconds: -context.settings.activityTTLMilliseconds)
        for (address, renewed) in activityRenewedAt where renewed < activityCutoff {
            activityRenewedAt[address] = nil
            guard var entry = presence[address] else { continue }
            let wasReplying = agentsReplying
            if entry.state == .typing { entry.state = .viewing }
            entry.field = nil
            entry.selection = nil
            entry.updatedAt = now
            presence[address] = entry
            let staff = subscribers.values.filter { $0.audience == .staff && $0.address != address }.map(\.address)
            context.delivery.deliver(.presence(topic: topic, presence: entry), to: staff)
            announceReplyingIfChanged(from: wasReplying)
        }
    }

    /// Typing, or showing a caret: what must be renewed to stay shown.
    static func isActive(_ entry: Presence) -> Bool {
        entry.state == .typing || entry.field != nil || entry.selection != nil
    }

    func broadcastPresenceLeft(_ entry: Presence) {
        let wasReplying = agentsReplying || Self.isReplying(entry, audience: subscribers[entry.connection]?.audience ?? .staff)
        let staff = subscribers.values.filter { $0.audience == .staff }.map(\.address)
        context.delivery.deliver(
            .presenceLeft(topic: topic, user: entry.user, connection: entry.connection), to: staff)
        announceReplyingIfChanged(from: wasReplying)
    }

    /// Whether any staff member is typing the reply draft (what a customer may learn of presence:
    /// typing in internal notes is not "replying").
    var agentsReplying: Bool {
        presence.values.contains { entry in
            Self.isReplying(entry, audience: subscribers[entry.connection]?.audience ?? .public)
        }
    }

    static func isReplying(_ entry: Presence, audience: Audience) -> Bool {
        entry.state == .typing && entry.field == .replyDraft && audience == .staff
    }

    private func announceReplyingIfChanged(from before: Bool) {
        let now = agentsReplying
        guard now != before else { return }
        let customers = subscribers.values.filter { $0.audience == .public }.map(\.address)
        guard !customers.isEmpty else { return }
        context.delivery.deliver(.agentActivity(topic: topic, replying: now), to: customers)
    }
}
