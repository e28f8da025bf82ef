// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemActors
@testable import TandemCluster
import TandemCore
import TandemRedis
import Testing

@Suite("Cluster-wide state", .enabled(if: ClusterTestEnvironment.enabled), .serialized)
struct ClusterStateTests {
    @Test("A viewer on node B is seen by an agent on node A; when B dies, the viewer leaves")
    func presenceAcrossNodes() async throws {
        // A short lease makes B's death show soon; shorter than this, a renewal delayed by a
        // loaded machine (every suite runs at once) could cost A the ticket mid-test.
        let cluster = try await TestCluster.make(nodes: 2, lease: .seconds(4))
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        try await a.registry.subscribe(
            cluster.ticket, SubscribeRequest(subscriber: cluster.subscriber(a, 1), principal: cluster.agent, fromVersion: nil))
        try await b.registry.subscribe(
            cluster.ticket, SubscribeRequest(subscriber: cluster.subscriber(b, 7), principal: cluster.agent, fromVersion: nil))
        try await b.registry.updatePresence(
            cluster.ticket,
            PresenceUpdate(subscriber: cluster.subscriber(b, 7), state: .viewing, field: nil, selection: nil, version: nil))
        #expect(
            await eventually {
                a.recorder.received(a.address(1)).contains {
                    if case .presence(_, let p) = $0 { p.connection == b.address(7) } else { false }
                }
            })
        await b.kill()
        // B's heartbeat lapses within the lease; A's next dead-node sweep drops its viewer.
        #expect(
            await eventually(.seconds(15)) {
                a.recorder.received(a.address(1)).contains {
                    if case .presenceLeft(_, _, let connection) = $0 { connection == b.address(7) } else { false }
                }
            })
    }

    @Test("When the node that dies owned the ticket as well, its viewer still leaves, before the resync")
    func presenceLeavesWhenTheOwnerDies() async throws {
        let cluster = try await TestCluster.make(nodes: 2, lease: .seconds(4))
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        // B subscribes first: B owns the ticket and holds its presence.
        try await b.registry.subscribe(
            cluster.ticket, SubscribeRequest(subscriber: cluster.subscriber(b, 7), principal: cluster.agent, fromVersion: nil))
        try await b.registry.updatePresence(
            cluster.ticket,
            PresenceUpdate(subscriber: cluster.subscriber(b, 7), state: .viewing, field: nil, selection: nil, version: nil))
        try await a.registry.subscribe(
            cluster.ticket, SubscribeRequest(subscriber: cluster.subscriber(a, 1), principal: cluster.agent, fromVersion: nil))
        #expect(cluster.activeOwners() == [b.id])
        let killed = ContinuousClock.now
        await b.kill()
        // Nobody is left to send it but A's relay, when its dead-node sweep sees B gone.
        #expect(
            await eventually(.seconds(15)) {
                a.recorder.received(a.address(1)).contains {
                    if case .presenceLeft(_, _, let connection) = $0 { connection == b.address(7) } else { false }
                }
            })
        let gone = ContinuousClock.now - killed
        let events = a.recorder.received(a.address(1))
        let left = events.firstIndex { if case .presenceLeft = $0 { true } else { false } }
        let resync = events.firstIndex { if case .resync = $0 { true } else { false } }
        #expect(left != nil && resync != nil && left! < resync!, "presence_left comes before the resync: \(events)")
        print("[cluster] the dead owner's viewer left after \(gone) (lease 4 s, sweep 0.2 s)")
    }

    @Test("Revoking a session on node A closes its connections on node B")
    func revocationAcrossNodes() async throws {
        let cluster = try await TestCluster.make(nodes: 2)
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        let session: SessionID = IdentifierGenerator().make("ses", at: 1)
        let other: SessionID = IdentifierGenerator().make("ses", at: 2)
        await b.registry.session(cluster.agent.userID).connected(b.address(3), session: session, now: WallClock().now())
        await b.registry.session(cluster.agent.userID).connected(b.address(4), session: other, now: WallClock().now())
        await a.registry.publish(.sessionsRevoked(user: cluster.agent.userID, sessions: [session]))
        #expect(await eventually { b.recorder.closeCode(b.address(3)) == CloseCode.sessionRevoked })
        #expect(b.recorder.closeCode(b.address(4)) == nil)
    }

    @Test("When a node's link to the event bus drops, its connections re-check their sessions")
    func missedEventsMakeConnectionsRecheck() async throws {
        let cluster = try await TestCluster.make(nodes: 2)
        defer { Task { await cluster.shutdown() } }
        let b = cluster.nodes[1]
        let session: SessionID = IdentifierGenerator().make("ses", at: 5)
        await b.registry.session(cluster.agent.userID).connected(b.address(5), session: session, now: WallClock().now())
        #expect(b.recorder.recheckCount(b.address(5)) == 0)
        // Redis drops node B's pub/sub connection: a revocation published meanwhile would be lost.
        let clients = try await b.runtime.redis.send(RedisCommand("CLIENT", "LIST", "TYPE", "pubsub")).string ?? ""
        let line = try #require(
            clients.split(separator: "\n").first { $0.contains("name=\(ClusterKeys.clientName(of: b.id))-bus ") })
        let id = try #require(line.split(separator: " ").first { $0.hasPrefix("id=") }?.dropFirst(3))
        _ = try await b.runtime.redis.send(RedisCommand("CLIENT", "KILL", "ID", String(id)))
        #expect(await eventually { b.recorder.recheckCount(b.address(5)) >= 1 })
    }

    @Test("A user's operation budget is shared by the nodes")
    func rateLimitAcrossNodes() async throws {
        let cluster = try await TestCluster.make(nodes: 2)
        defer { Task { await cluster.shutdown() } }
        var settings = RateSettings()
        settings.opsPerSecond = 0.01
        settings.burst = 6
        let user: UserID = IdentifierGenerator().make("usr", at: 3)
        var allowed = 0
        for index in 0..<10 {
            let budget = RedisRateBudget(redis: cluster.nodes[index % 2].runtime.redis)
            if await budget.take(user: user, settings: settings, now: WallClock().now()) == true { allowed += 1 }
        }
        #expect(allowed == 6)
    }

    @Test("A gap in a node's messages makes the receiver resync the subscriptions that node serves")
    func gapResyncs() async throws {
        let cluster = try await TestCluster.make(nodes: 2)
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        _ = try await a.registry.view(cluster.ticket, for: cluster.agent)
        try await b.registry.subscribe(
            cluster.ticket, SubscribeRequest(subscriber: cluster.subscriber(b, 2), principal: cluster.agent, fromVersion: nil))
        // A message to B is lost; B learns it from the next one (the op of version 1).
        a.runtime.node.loseNextMessage(to: b.id)
        _ = try await a.registry.submit(cluster.ticket, cluster.insert("1", client: "ca", seq: 1, base: 0, replyTo: a.address(1)))
        _ = try await a.registry.submit(cluster.ticket, cluster.insert("2", client: "ca", seq: 2, base: 1, replyTo: a.address(1)))
        #expect(
            await eventually {
                b.recorder.received(b.address(2)).contains { if case .resync(_, "relay_gap") = $0 { true } else { false } }
            })
        // The client resubscribes from its version and gets exactly what it missed.
        let reply = try await b.registry.subscribe(
            cluster.ticket, SubscribeRequest(subscriber: cluster.subscriber(b, 2), principal: cluster.agent, fromVersion: 0))
        guard case .ops(let ops, let version, _) = reply else {
            Issue.record("expected ops, got \(reply)")
            return
        }
        #expect(ops.map(\.version) == [1, 2])
        #expect(version == 2)
    }
}
