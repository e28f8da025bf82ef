// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

extension ActorRegistry {
    /// Tells every node (this one included) about an account change or a notification.
    /// A single node applies it directly; when the bus is down, this node still applies it.
    public func publish(_ event: NodeEvent) async {
        guard let events = cluster.events else {
            await apply(event)
            return
        }
        do {
            try await events.publish(event)
        } catch {
            quiet.log(.error, "node event not published: applied on this node only", metadata: ["error": "\(error)"], to: logger)
            await apply(event)
        }
    }

    /// Applies a node event to this node's session actors.
    public func apply(_ event: NodeEvent) async {
        switch event {
        case .sessionsRevoked(let user, let sessions):
            await activeSession(user)?.revoke(sessions: sessions, reason: "session revoked")
        case .permissionsChanged(let user):
            await activeSession(user)?.permissionsChanged()
        case .notification(let note, let unread):
            await activeSession(note.user)?.notify(note, unread: unread)
        case .eventsMissed:
            logger.notice("node events may have been missed: every connection re-checks its session")
            for session in activeSessions { await session.permissionsChanged() }
        }
    }

    /// Feeds a committed ticket's summary to the queues of `teams`, wherever they are active.
    /// A queue active nowhere is skipped: it reads the store when it is next activated.
    func feedQueues(_ summary: TicketSummary, teams: Set<TeamID?>) async {
        guard cluster.isClustered else {
            for queue in await queues(for: teams) { await queue.ticketChanged(summary) }
            return
        }
        for team in teams {
            let key = ActorKey.team(team)
            if cluster.placement.holds(key) {
                for queue in await queues(for: [team]) { await queue.ticketChanged(summary) }
            } else if let owner = try? await cluster.placement.owner(of: key), owner != node {
                cluster.relay.send(.team(team, .ticketChanged(summary)), to: owner)
            }
        }
    }

    /// The background work of a cluster node: passivating actors whose lease was lost,
    /// serving calls and node events from other nodes, and dropping subscribers of dead nodes.
    func addClusterTasks(to group: inout TaskGroup<Void>) {
        let cluster = self.cluster
        group.addTask { [self] in
            for await key in cluster.placement.lost { await lostLease(key) }
        }
        group.addTask { [self] in
            await cluster.relay.serve { call in await self.handleRelayed(call) }
        }
        if let events = cluster.events {
            group.addTask { [self] in
                await events.serve { event in await self.apply(event) }
            }
        }
        group.addTask { [self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: settings.deadNodeSweepInterval)
                guard !Task.isCancelled, let alive = try? await cluster.placement.liveNodes() else { continue }
                cluster.relay.nodesRunning(alive.union([node]))
                await dropSubscribers(notOn: alive.union([node]))
            }
        }
    }

    /// Forgets subscribers whose node stopped: their presence leaves at once.
    func dropSubscribers(notOn alive: Set<String>) async {
        let (tickets, teams) = activeActors
        for actor in tickets { await actor.dropSubscribers(notOn: alive) }
        for actor in teams { await actor.dropSubscribers(notOn: alive) }
    }
}
