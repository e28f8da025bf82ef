// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemActors
@testable import TandemCluster
import TandemCore
import TandemRedis
import TandemTestSupport
import Testing

/// Redis restarted without its data while owners serve their tickets, and owners that fell
/// behind without knowing it: no client is told `future_version` for a version that exists.
@Suite("Owners after a loss of placement state", .enabled(if: ClusterTestEnvironment.enabled), .serialized)
struct RedisDataLossTests {
    @Test("When Redis loses its leases, the owner takes its lease back and no second node activates the ticket")
    func ownerKeepsItsTicketsWhenRedisLosesTheLeases() async throws {
        let cluster = try await TestCluster.make(nodes: 2)
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        let first = try await a.registry.submit(cluster.ticket, cluster.insert("a", client: "a", seq: 1, base: 0, replyTo: nil))

        // What a restart of Redis without persistence does to this cluster: every key is gone.
        _ = try await a.runtime.redis.send(
            RedisCommand("DEL", ClusterKeys.lease(.ticket(cluster.ticket)), ClusterKeys.placementMarker(of: cluster.name)))
        // Another node asks for the ticket at once: the lease is free, but the owner is still
        // serving. B waits for A to take its lease back instead of activating a second copy.
        let view = try await b.registry.view(cluster.ticket, for: cluster.agent)
        #expect(view.version == first.version)
        #expect(cluster.activeOwners() == [a.id])
        #expect(try await a.runtime.placement.owner(of: .ticket(cluster.ticket)) == a.id)

        // The owner goes on committing; a client that saw its latest version comes in through B.
        let second = try await a.registry.submit(cluster.ticket, cluster.insert("b", client: "a", seq: 2, base: 1, replyTo: nil))
        let reply = try await b.registry.subscribe(
            cluster.ticket,
            SubscribeRequest(subscriber: cluster.subscriber(b, 1), principal: cluster.agent, fromVersion: second.version))
        guard case .ops(let ops, let version, _) = reply else {
            Issue.record("expected the ops after v\(second.version), got \(reply)")
            return
        }
        #expect(ops.isEmpty && version == second.version)
    }

    @Test(
        "An activation that is behind the store re-reads it: stale, it gives way; future_version only for versions that do not exist"
    )
    func anActivationBehindTheStoreGivesWay() async throws {
        let cluster = try await TestCluster.make(nodes: 1)
        defer { Task { await cluster.shutdown() } }
        // Two single-node registries over one store: each believes it owns the ticket, as an
        // owner that lost its lease without knowing it does.
        let (ahead, behind) = (DeliveryRecorder(), DeliveryRecorder())
        let writer = Self.registry("w", recorder: ahead, cluster: cluster)
        let stale = Self.registry("s", recorder: behind, cluster: cluster)
        _ = try await writer.submit(cluster.ticket, cluster.insert("1", client: "w", seq: 1, base: 0, replyTo: nil))
        let watcher = SubscriberInfo(
            address: SubscriberAddress(node: "s", connection: 1), user: cluster.agent.userID, name: "Ada", audience: .staff)
        try await stale.subscribe(
            cluster.ticket, SubscribeRequest(subscriber: watcher, principal: cluster.agent, fromVersion: nil))
        let written = try await writer.submit(cluster.ticket, cluster.insert("2", client: "w", seq: 2, base: 1, replyTo: nil))

        // A client with the writer's version: the stale activation reads the store, stops serving
        // (its subscribers resync) and the call runs on a fresh activation that has the version.
        let client = SubscriberInfo(
            address: SubscriberAddress(node: "s", connection: 2), user: cluster.agent.userID, name: "Ada", audience: .staff)
        let reply = try await stale.subscribe(
            cluster.ticket, SubscribeRequest(subscriber: client, principal: cluster.agent, fromVersion: written.version))
        guard case .ops(_, let version, _) = reply else {
            Issue.record("expected ops, got \(reply)")
            return
        }
        #expect(version == written.version)
        #expect(behind.received(watcher.address).contains { if case .resync(_, "owner_changed") = $0 { true } else { false } })

        // A version that exists nowhere is still refused as such.
        await #expect(throws: TicketActorError.futureVersion(current: written.version)) {
            try await stale.subscribe(
                cluster.ticket, SubscribeRequest(subscriber: client, principal: cluster.agent, fromVersion: written.version + 5))
        }
    }

    private static func registry(_ node: String, recorder: DeliveryRecorder, cluster: TestCluster) -> ActorRegistry {
        ActorRegistry(
            node: node, tickets: cluster.store, teams: cluster.store, users: cluster.store, notifications: cluster.store,
            delivery: recorder, control: recorder, clock: WallClock(), settings: RegistrySettings(),
            logger: ClusterTestEnvironment.logger)
    }
}
