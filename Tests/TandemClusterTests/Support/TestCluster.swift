// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import ServiceLifecycle
import TandemActors
@testable import TandemCluster
import TandemCore
import TandemRedis
import TandemStore
import TandemStoreSQLite
import TandemTestSupport

/// One in-process cluster node: a registry, its cluster runtime and recorded connections.
final class TestNode: Sendable {
    let id: String
    let recorder = DeliveryRecorder()
    let runtime: ClusterRuntime
    let registry: ActorRegistry
    private let task: Task<Void, Never>

    /// `cluster` names the test's cluster: its nodes share the keys that describe the cluster as a whole.
    init(id: String, cluster: String, store: SQLiteStore, lease: Duration, replyUndoMilliseconds: Int64 = 10_000) throws {
        self.id = id
        var settings = ClusterSettings(
            node: id, redis: try ClusterTestEnvironment.options(), lease: lease, callTimeout: .seconds(5))
        settings.ownerCheckInterval = .milliseconds(100)
        settings.name = cluster
        let runtime = try ClusterRuntime(settings: settings, local: recorder, logger: ClusterTestEnvironment.logger)
        var registrySettings = RegistrySettings()
        registrySettings.deadNodeSweepInterval = .milliseconds(200)
        registrySettings.maintenanceInterval = .milliseconds(200)
        registrySettings.ticket.presenceTTLMilliseconds = 60_000
        registrySettings.ticket.replyUndoMilliseconds = replyUndoMilliseconds
        let registry = ActorRegistry(
            node: id, tickets: store, teams: store, users: store, notifications: store, delivery: runtime.delivery,
            control: recorder, clock: WallClock(), settings: registrySettings, logger: ClusterTestEnvironment.logger,
            cluster: runtime.seams)
        self.runtime = runtime
        self.registry = registry
        self.task = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await runtime.run() }
                group.addTask { try? await registry.run() }
            }
        }
    }

    /// Dies like `kill -9`: stops talking to Redis, hands nothing over, keeps its leases in Redis.
    func kill() async {
        runtime.placement.renewalPaused.store(true, ordering: .relaxed)
        await runtime.stopAbruptly()
        task.cancel()
    }

    func address(_ connection: UInt64) -> SubscriberAddress { SubscriberAddress(node: id, connection: connection) }
}

/// Two or three nodes over one SQLite store and the test Redis, with a ticket to work on.
struct TestCluster {
    /// The cluster's name (``ClusterSettings/name``), unique per test.
    let name: String
    let nodes: [TestNode]
    let store: SQLiteStore
    let ticket: TicketID
    let agent: Principal
    let directory: URL

    static func make(
        nodes count: Int, lease: Duration = .seconds(3), replyUndoMilliseconds: Int64 = 10_000
    ) async throws -> TestCluster {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-cluster-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let store = try SQLiteStore(
            path: directory.appendingPathComponent("t.sqlite").path, logger: ClusterTestEnvironment.logger)
        try await store.migrate()
        let prefix = "t\(UUID().uuidString.prefix(6).lowercased())"
        let nodes = try (1...count).map {
            try TestNode(
                id: "\(prefix)n\($0)", cluster: prefix, store: store, lease: lease, replyUndoMilliseconds: replyUndoMilliseconds)
        }
        let ids = IdentifierGenerator()
        let now = WallClock().now()
        let ticket = Ticket(
            id: ids.make("tkt", at: UInt64(now.millisecondsSince1970)), subject: "Printer on fire", description: "",
            requester: ids.make("usr", at: UInt64(now.millisecondsSince1970)), createdAt: now)
        try await store.createTicket(ticket)
        // Let every node subscribe to its channel before the first call.
        try await Task.sleep(for: .milliseconds(300))
        return TestCluster(
            name: prefix, nodes: nodes, store: store, ticket: ticket.id,
            agent: Principal(userID: ids.make("usr", at: UInt64(now.millisecondsSince1970)), role: .admin),
            directory: directory)
    }

    func subscriber(_ node: TestNode, _ connection: UInt64, audience: Audience = .staff) -> SubscriberInfo {
        SubscriberInfo(address: node.address(connection), user: agent.userID, name: "Ada", audience: audience)
    }

    /// An insert of `text` at the start of the description, made on `base`.
    func insert(_ text: String, client: String, seq: Int64, base: Int64, replyTo: SubscriberAddress?) -> SubmitRequest {
        var op = TextOperation()
        op.insert(text)
        return SubmitRequest(
            actor: ActingUser(principal: agent, name: "Ada"), client: client, seq: seq, baseVersion: base,
            request: .change(.text(.description, op)), replyTo: replyTo)
    }

    /// Which nodes have the ticket active.
    func activeOwners() -> [String] {
        nodes.filter { $0.registry.activeCounts.tickets > 0 }.map(\.id)
    }

    func shutdown() async {
        for node in nodes { await node.kill() }
        try? await store.close()
        try? FileManager.default.removeItem(at: directory)
    }
}
