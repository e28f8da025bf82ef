// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import ServiceLifecycle
import Synchronization
import TandemCore
import TandemStore

/// Settings of the registry.
public struct RegistrySettings: Sendable {
    /// An actor with no subscribers and no activity for this long is passivated.
    public var idleMilliseconds: Int64 = 60_000
    /// How often idle actors, presence TTLs and overdue snapshots are checked.
    public var maintenanceInterval: Duration = .seconds(1)
    public var ticket = TicketActorSettings()
    public var rate = RateSettings()
    /// How often a cluster node drops the subscribers of nodes that stopped.
    public var deadNodeSweepInterval: Duration = .seconds(1)
    /// How often the store is asked for pending replies that are due (after a restart, or on
    /// tickets whose node died); active tickets publish their own on time.
    public var dueReplySweepInterval: Duration = .seconds(1)

    public init() {}
}

/// Activates ticket, team and session actors on demand by id and passivates idle ones.
///
/// There is at most one activation per id in this process: concurrent lookups of an id
/// that is loading share the same load. `run()` is a service: it does the periodic
/// upkeep and, on graceful shutdown, passivates every ticket (final snapshots).
public final class ActorRegistry: Service, Sendable {
    /// The node's name, used in subscriber addresses.
    public let node: String
    let tickets: any TicketStore
    let teamsStore: any TeamStore
    let users: any UserStore
    let notifications: any NotificationStore
    /// Notification e-mail, when the node sends it.
    let mail: (any NotificationMail)?
    let delivery: any EventDelivery
    let control: any ConnectionControl
    let clock: any TandemClock
    public let settings: RegistrySettings
    let logger: Logger
    /// Folds warnings that repeat while a dependency is away (Redis, the store) into one line each.
    let quiet = LogThrottle(interval: .seconds(10))
    /// How this node reaches the rest of the cluster (``ClusterSeams/standalone(node:)`` alone).
    public let cluster: ClusterSeams

    private let ticketActors = Mutex<[TicketID: Activation<TicketActor>]>([:])
    private let teamActors = Mutex<[String: Activation<TeamActor>]>([:])
    private let sessionActors = Mutex<[UserID: SessionActor]>([:])

    public init(
        node: String, tickets: any TicketStore, teams: any TeamStore, users: any UserStore,
        notifications: any NotificationStore, delivery: any EventDelivery, control: any ConnectionControl,
        clock: any TandemClock, settings: RegistrySettings, logger: Logger, cluster: ClusterSeams? = nil,
        mail: (any NotificationMail)? = nil
    ) {
        self.mail = mail
        self.node = node
        self.cluster = cluster ?? .standalone(node: node)
        self.tickets = tickets
        self.teamsStore = teams
        self.users = users
        self.notifications = notifications
        self.delivery = delivery
        self.control = control
        self.clock = clock
        self.settings = settings
        self.logger = logger
    }

    // MARK: Tickets

    /// Runs `body` on the ticket's actor, activating it if needed and retrying once
    /// more if the activation went inactive (passivated or fenced) in between.
    public func withTicket<T: Sendable>(
        _ id: TicketID, _ body: (TicketActor) async throws(TicketActorError) -> T
    ) async throws(TicketActorError) -> T {
        for attempt in 0..<3 {
            let actor = try await ticket(id)
            do {
                return try await body(actor)
            } catch .inactive where attempt < 2 {
                forget(id, actor)
                continue
            }
        }
        throw .inactive
    }

    /// The active ticket actor, loaded from snapshot + operations on first use.
    public func ticket(_ id: TicketID) async throws(TicketActorError) -> TicketActor {
        try await claimLocally(.ticket(id))
        var context = TicketActorContext(
            store: tickets, delivery: delivery, observer: self, directory: self, clock: clock,
            settings: settings.ticket, logger: logger)
        context.holdsLease = { [placement = cluster.placement] in placement.holds(.ticket(id)) }
        context.quiet = quiet
        let store = tickets
        let ready = context
        do {
            return try await ticketActors.activate(id) {
                guard let stored = try await store.loadTicket(id: id) else { throw TicketActorError.notFound }
                return try TicketActor(stored: stored, context: ready)
            }
        } catch let error as TicketActorError {
            throw error
        } catch {
            throw .unavailable("\(error)")
        }
    }

    func forget(_ id: TicketID, _ actor: TicketActor) {
        ticketActors.withLock { map in
            if case .active(let current) = map[id], current === actor { map[id] = nil }
        }
    }

    // MARK: Teams

    /// The active queue actor of a team (`nil`: the triage queue).
    public func team(_ id: TeamID?) async throws(TicketActorError) -> TeamActor {
        try await claimLocally(.team(id))
        let key = id?.rawValue ?? "triage"
        let store = tickets
        let delivery = delivery
        let now = clock.now()
        do {
            return try await teamActors.activate(key) {
                TeamActor(team: id, tickets: try await store.openTickets(team: id), delivery: delivery, now: now)
            }
        } catch {
            throw .unavailable("\(error)")
        }
    }

    // MARK: Sessions

    /// The user's session actor on this node (created on first use).
    public func session(_ user: UserID) -> SessionActor {
        let now = clock.now()
        return sessionActors.withLock { map in
            if let actor = map[user] { return actor }
            let actor = SessionActor(
                user: user, delivery: delivery, control: control, settings: settings.rate, now: now,
                budget: cluster.rateBudget)
            map[user] = actor
            return actor
        }
    }

    /// The user's session actor if one is active here.
    public func activeSession(_ user: UserID) -> SessionActor? {
        sessionActors.withLock { $0[user] }
    }

    /// Every session actor active here.
    var activeSessions: [SessionActor] {
        sessionActors.withLock { Array($0.values) }
    }

    // MARK: Service

    public func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: settings.maintenanceInterval)
                    await maintain()
                }
            }
            group.addTask { [self] in
                // A store outage is logged when it starts and when it ends, not every second.
                var failures = 0
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    do {
                        try await publishDueReplies()
                        if failures > 0 { logger.notice("due replies read again", metadata: ["failedSweeps": "\(failures)"]) }
                        failures = 0
                    } catch {
                        failures += 1
                        if failures == 1 { logger.warning("due replies not read", metadata: ["error": "\(error)"]) }
                    }
                    try? await Task.sleep(for: settings.dueReplySweepInterval)
                }
            }
            if cluster.isClustered { addClusterTasks(to: &group) }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await passivateAll()
    }

    /// Expires presence, writes overdue snapshots and passivates idle actors.
    func maintain() async {
        let now = clock.now()
        let active = ticketActors.withLock { map in
            map.compactMap { entry -> (TicketID, TicketActor)? in
                if case .active(let actor) = entry.value { (entry.key, actor) } else { nil }
            }
        }
        for (id, actor) in active where await actor.maintain(now: now, idleMilliseconds: settings.idleMilliseconds) {
            await actor.passivate()
            forget(id, actor)
            await cluster.placement.release(.ticket(id))
        }
        let teams = teamActors.withLock { map in
            map.compactMap { entry -> (String, TeamActor)? in
                if case .active(let actor) = entry.value { (entry.key, actor) } else { nil }
            }
        }
        for (key, actor) in teams where await actor.isIdle(now: now, idleMilliseconds: settings.idleMilliseconds) {
            let removed = teamActors.withLock { map in
                guard case .active(let current) = map[key], current === actor else { return false }
                map[key] = nil
                return true
            }
            if removed { await cluster.placement.release(.team(actor.team)) }
        }
        let sessions = sessionActors.withLock { Array($0) }
        for (user, actor) in sessions where await actor.isIdle {
            sessionActors.withLock { map in
                if map[user] === actor { map[user] = nil }
            }
        }
    }

    /// Publishes every pending reply the store holds whose undo window has passed, on the
    /// node that owns its ticket (activating it here when no node does).
    /// Throws when the store cannot be asked.
    func publishDueReplies() async throws {
        let due = try await tickets.ticketsWithDueReplies(at: clock.now(), limit: 100)
        for id in due {
            do {
                _ = try await call(.ticket(id, .publishDue))
            } catch {
                logger.warning("due replies not published", metadata: ["ticket": "\(id)", "error": "\(error)"])
            }
        }
    }

    /// Passivates every ticket: each writes a final snapshot if it has unsnapshotted operations.
    public func passivateAll() async {
        let all = ticketActors.withLock { map in
            let actors = map.values.compactMap { entry -> TicketActor? in
                if case .active(let actor) = entry { actor } else { nil }
            }
            map.removeAll()
            return actors
        }
        for actor in all { await actor.passivate() }
        // Hands the actors over at once instead of after the lease time.
        for actor in all { await cluster.placement.release(.ticket(actor.id)) }
        let teams = teamActors.withLock { map in
            defer { map.removeAll() }
            return map.values.compactMap { entry -> TeamActor? in
                if case .active(let actor) = entry { actor } else { nil }
            }
        }
        for actor in teams { await cluster.placement.release(.team(actor.team)) }
        logger.info("ticket actors passivated", metadata: ["count": "\(all.count)"])
    }

    /// Whether the actor is active (or loading) on this node.
    func isActive(_ key: ActorKey) -> Bool {
        switch key {
        case .ticket(let id): ticketActors.withLock { $0[id] != nil }
        case .team(let id): teamActors.withLock { $0[id?.rawValue ?? "triage"] != nil }
        }
    }

    /// Drops the actor after its lease was lost: it stops serving at once.
    func lostLease(_ key: ActorKey) async {
        switch key {
        case .ticket(let id):
            let actor = ticketActors.withLock { map -> TicketActor? in
                guard case .active(let actor)? = map[id] else { return nil }
                map[id] = nil
                return actor
            }
            if let actor {
                quiet.log(.warning, "ticket lease lost: passivating", metadata: ["ticket": "\(id)"], to: logger)
                await actor.passivate()
            }
        case .team(let id):
            let entry = teamActors.withLock { $0.removeValue(forKey: id?.rawValue ?? "triage") }
            if case .active(let actor)? = entry { await actor.evict() }
        }
    }

    /// The active ticket and team actors (cluster upkeep).
    var activeActors: (tickets: [TicketActor], teams: [TeamActor]) {
        let tickets = ticketActors.withLock { map in
            map.values.compactMap { entry -> TicketActor? in if case .active(let actor) = entry { actor } else { nil } }
        }
        let teams = teamActors.withLock { map in
            map.values.compactMap { entry -> TeamActor? in if case .active(let actor) = entry { actor } else { nil } }
        }
        return (tickets, teams)
    }

    /// How many actors are active (metrics, tests).
    public var activeCounts: (tickets: Int, teams: Int, sessions: Int) {
        (ticketActors.withLock { $0.count }, teamActors.withLock { $0.count }, sessionActors.withLock { $0.count })
    }

    /// The queue actors of these teams that are active or loading (a loading one is awaited,
    /// so that a commit made while its queue was being read from the store is not missed).
    func queues(for ids: Set<TeamID?>) async -> [TeamActor] {
        var result: [TeamActor] = []
        for id in ids {
            let entry = teamActors.withLock { $0[id?.rawValue ?? "triage"] }
            switch entry {
            case .active(let actor)?: result.append(actor)
            case .loading(let task)?: if let actor = try? await task.value { result.append(actor) }
            case nil: break
            }
        }
        return result
    }
}
