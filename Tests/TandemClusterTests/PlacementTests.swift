// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemActors
@testable import TandemCluster
import TandemCore
import TandemRedis
import TandemStore
import Testing

@Suite("Cluster placement and routing", .enabled(if: ClusterTestEnvironment.enabled), .serialized)
struct PlacementTests {
    @Test("Two nodes race for a ticket: exactly one activates it, the other relays")
    func leaseExclusivity() async throws {
        let cluster = try await TestCluster.make(nodes: 3)
        defer { Task { await cluster.shutdown() } }
        let views = try await withThrowingTaskGroup(of: TicketView.self) { group in
            for node in cluster.nodes {
                for _ in 0..<5 {
                    group.addTask { try await node.registry.view(cluster.ticket, for: cluster.agent) }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(views.count == 15)
        #expect(cluster.activeOwners().count == 1)
    }

    @Test("Relayed subscribe and submit: reply before ops, ops in version order on every node, acks after")
    func relayedRoundTrip() async throws {
        let cluster = try await TestCluster.make(nodes: 3)
        defer { Task { await cluster.shutdown() } }
        let (a, b, c) = (cluster.nodes[0], cluster.nodes[1], cluster.nodes[2])
        // Whoever subscribes first becomes the owner: node A.
        for node in cluster.nodes {
            try await node.registry.subscribe(
                cluster.ticket,
                SubscribeRequest(subscriber: cluster.subscriber(node, 1), principal: cluster.agent, fromVersion: nil))
        }
        #expect(cluster.activeOwners() == [a.id])
        // Submitters on B and C, 20 ops each, concurrently.
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (node, client) in [(b, "cb"), (c, "cc")] {
                group.addTask {
                    for seq in 1...20 {
                        let reply = try await node.registry.submit(
                            cluster.ticket,
                            cluster.insert("x", client: client, seq: Int64(seq), base: 0, replyTo: node.address(1)))
                        #expect(!reply.duplicate)
                    }
                }
            }
            try await group.waitForAll()
        }
        for node in cluster.nodes {
            let address = node.address(1)
            #expect(
                await eventually {
                    node.recorder.opVersions(address).count + node.recorder.acks(address).count >= (node === a ? 40 : 40)
                })
            let events = node.recorder.received(address)
            guard case .subscribed = events.first else {
                Issue.record("the first event on \(node.id) is not the subscribe reply: \(String(describing: events.first))")
                continue
            }
            // Ops and acks together cover 1...40 in order (own ops arrive as acks).
            let versions = events.compactMap { event -> Int64? in
                switch event {
                case .op(_, let op): op.version
                case .ack(_, _, _, let version): version
                default: nil
                }
            }
            #expect(versions == Array(1...40), "node \(node.id) saw \(versions)")
        }
    }

    @Test("A stale owner is fenced by the store: its commit is refused and never acknowledged")
    func staleOwnerFenced() async throws {
        let cluster = try await TestCluster.make(nodes: 2)
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        _ = try await a.registry.view(cluster.ticket, for: cluster.agent)
        let stale = try await a.registry.ticket(cluster.ticket)
        // A pauses (no renewals) and its lease runs out in Redis; B takes the ticket over and commits.
        a.runtime.placement.renewalPaused.store(true, ordering: .relaxed)
        try await a.runtime.redis.delete([ClusterKeys.lease(.ticket(cluster.ticket))])
        #expect(await eventually { !a.runtime.placement.holds(.ticket(cluster.ticket)) || true })
        let fresh = try await b.registry.submit(
            cluster.ticket, cluster.insert("b", client: "cb", seq: 1, base: 0, replyTo: b.address(1)))
        #expect(fresh.version == 1)
        // A resumes as if nothing happened and commits through its old activation.
        await #expect(throws: TicketActorError.inactive) {
            try await stale.submit(cluster.insert("a", client: "ca", seq: 1, base: 0, replyTo: a.address(1)))
        }
        #expect(a.recorder.acks(a.address(1)).isEmpty)
        #expect(await stale.isInactive)
        let stored = try #require(try await cluster.store.loadTicket(id: cluster.ticket))
        let ops = stored.ops.filter { $0.version > stored.snapshot.version }
        #expect(stored.snapshot.version + Int64(ops.count) == 1)
        #expect(!stored.snapshot.clientSequences.keys.contains { $0.contains("ca") })
    }

    @Test("A call waiting for a node that stopped fails at the next dead-node sweep, not at its timeout")
    func callsToAStoppedNodeFailAtTheSweep() async throws {
        let cluster = try await TestCluster.make(nodes: 1)
        defer { Task { await cluster.shutdown() } }
        let node = cluster.nodes[0]
        let (ghost, listener) = try await Self.ghost(of: node)
        defer { Task { await listener.shutdown() } }
        var failure: RelayError?
        do {
            _ = try await node.runtime.node.call(.ticket(cluster.ticket, .view(cluster.agent)), on: ghost)
        } catch {
            failure = error
        }
        // `.timeout` would mean it waited for the call timeout; `.ended` is the sweep.
        #expect(failure == RelayError(.ended, node: ghost))
    }

    @Test("A call on its way to an owner that stops is sent again only if repeating it is harmless")
    func lostCallsAreRetriedOnlyWhenRepeatable() async throws {
        // The ghost's lease outlasts the two calls that must fail, even on a loaded machine;
        // the edit then waits for it (up to 1.5 leases).
        let cluster = try await TestCluster.make(nodes: 1, lease: .seconds(4))
        defer { Task { await cluster.shutdown() } }
        let node = cluster.nodes[0]
        // The ghost owns the ticket for a while: each call to it fails at the sweep as `ended`.
        let (ghost, listener) = try await Self.ghost(of: node)
        defer { Task { await listener.shutdown() } }
        let lease = ClusterKeys.lease(.ticket(cluster.ticket))
        _ = try await node.runtime.redis.send(RedisCommand("SET", lease, "\(ghost)/1", "PX", "3000"))

        // A REST change has no client sequence: sent again, it could apply twice. Its caller
        // learns that the outcome is unknown.
        let rest = SubmitRequest(
            actor: ActingUser(principal: cluster.agent, name: "Ada"), client: nil, seq: nil, baseVersion: 0,
            request: .change(.priority(.high)), replyTo: nil)
        await #expect {
            try await node.registry.submit(cluster.ticket, rest, atCurrentVersion: true)
        } throws: { error in
            if case .unavailable(let reason) = error as? TicketActorError { reason.contains("ended") } else { false }
        }

        // A subscription whose owner stopped without answering is sent again: nothing more comes
        // from the stopped run, so the connection gets the one reply of the owner that follows.
        let subscribed = try await node.registry.subscribe(
            cluster.ticket,
            SubscribeRequest(subscriber: cluster.subscriber(node, 1), principal: cluster.agent, fromVersion: nil, ref: "s1"))
        guard case .snapshot(let snapshot, _) = subscribed else {
            Issue.record("expected a snapshot, got \(subscribed)")
            return
        }
        #expect(snapshot.version == 0)
        #expect(node.recorder.received(node.address(1)).count == 1)

        // A live edit carries (client, seq): it is sent again until the ghost's lease runs
        // out, then this node takes the ticket over and applies it once.
        let edit = try await node.registry.submit(
            cluster.ticket, cluster.insert("x", client: "c", seq: 1, base: 0, replyTo: nil))
        #expect(edit.version == 1 && !edit.duplicate)
        #expect(cluster.activeOwners() == [node.id])
        let view = try await node.registry.view(cluster.ticket, for: cluster.agent)
        #expect(view.description == "x" && view.priority == .normal)
    }

    @Test("The owner dies mid-edit: another node takes over after the lease, a resend is deduplicated")
    func failoverWithDedupe() async throws {
        let cluster = try await TestCluster.make(nodes: 2, lease: .seconds(2))
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        _ = try await a.registry.view(cluster.ticket, for: cluster.agent)
        #expect(cluster.activeOwners() == [a.id])
        for seq in 1...5 {
            _ = try await b.registry.submit(
                cluster.ticket, cluster.insert("x", client: "cb", seq: Int64(seq), base: Int64(seq - 1), replyTo: b.address(1)))
        }
        await a.kill()
        let started = ContinuousClock.now
        // The client resends its last op (its ack might have been lost) and a new one.
        let resent = try await b.registry.submit(
            cluster.ticket, cluster.insert("x", client: "cb", seq: 5, base: 4, replyTo: b.address(1)))
        let took = ContinuousClock.now - started
        #expect(resent.duplicate)
        #expect(resent.version == 5)
        #expect(took < .seconds(5), "takeover took \(took)")
        let next = try await b.registry.submit(
            cluster.ticket, cluster.insert("y", client: "cb", seq: 6, base: 5, replyTo: b.address(1)))
        #expect(next.version == 6 && !next.duplicate)
        #expect(b.registry.activeCounts.tickets == 1)
        let view = try await b.registry.view(cluster.ticket, for: cluster.agent)
        #expect(view.description == "yxxxxx")
    }

    @Test("A pending reply is published by the ticket's owner, and by another node, once, when the owner died in its window")
    func pendingRepliesSurviveTheirOwner() async throws {
        let cluster = try await TestCluster.make(nodes: 2, lease: .seconds(2), replyUndoMilliseconds: 1_500)
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        _ = try await a.registry.view(cluster.ticket, for: cluster.agent)
        func reply(_ body: String) -> SubmitRequest {
            SubmitRequest(
                actor: ActingUser(principal: cluster.agent, name: "Ada"), client: nil, seq: nil, baseVersion: 0,
                request: .comment(CommentRequest(body: body, visibility: .public)), replyTo: nil)
        }
        func stored() async throws -> Ticket {
            let stored = try #require(try await cluster.store.loadTicket(id: cluster.ticket))
            var ticket = stored.snapshot
            for op in stored.ops { try ticket.apply(op, limits: TicketLimits()) }
            return ticket
        }
        func waitForComments(_ count: Int) async throws -> Ticket {
            let deadline = ContinuousClock.now + .seconds(30)
            while ContinuousClock.now < deadline {
                let ticket = try await stored()
                if ticket.comments.count >= count { return ticket }
                try await Task.sleep(for: .milliseconds(50))
            }
            return try await stored()
        }

        // Sent through node B, published by the owner A: B never activates the ticket.
        _ = try await b.registry.submit(cluster.ticket, reply("first"), atCurrentVersion: true)
        #expect(try await stored().pendingReplies.map(\.comment.body) == ["first"])
        var ticket = try await waitForComments(1)
        #expect(ticket.comments.map(\.body) == ["first"] && ticket.pendingReplies.isEmpty)
        #expect(cluster.activeOwners() == [a.id])

        // The owner dies inside the window of the next one: B takes the ticket over and publishes it, once.
        _ = try await b.registry.submit(cluster.ticket, reply("second"), atCurrentVersion: true)
        await a.kill()
        ticket = try await waitForComments(2)
        #expect(ticket.comments.map(\.body) == ["first", "second"] && ticket.pendingReplies.isEmpty)
        try await Task.sleep(for: .seconds(2))
        #expect(try await stored().comments.count == 2, "published exactly once")
        #expect(b.registry.activeCounts.tickets == 1)
    }

    /// A node that receives calls and never answers, and is not running (as one killed
    /// with calls in flight): its id, and the subscription that listens in its place.
    static func ghost(of node: TestNode) async throws -> (String, RedisSubscriber) {
        let ghost = "\(node.id)-ghost"
        let listener = try RedisSubscriber(try ClusterTestEnvironment.options(), logger: ClusterTestEnvironment.logger)
        try await listener.subscribe([ClusterKeys.channel(of: ghost)])
        return (ghost, listener)
    }
}
