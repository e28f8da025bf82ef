// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemActors
@testable import TandemCluster
import TandemCore
import Testing

@Suite("A node restarted under the same id", .enabled(if: ClusterTestEnvironment.enabled), .serialized)
struct NodeRestartTests {
    @Test("A subscribe relayed to the restarted node's new run is answered once and keeps its topic")
    func subscribeToARestartedNode() async throws {
        let cluster = try await TestCluster.make(nodes: 2)
        defer { Task { await cluster.shutdown() } }
        let (a, b) = (cluster.nodes[0], cluster.nodes[1])
        // B owns the ticket, and A has heard from B's first run.
        _ = try await b.registry.view(cluster.ticket, for: cluster.agent)
        try await a.registry.subscribe(
            cluster.ticket,
            SubscribeRequest(subscriber: cluster.subscriber(a, 1), principal: cluster.agent, fromVersion: nil, ref: "first"))
        await b.kill()
        let restarted = try TestNode(id: b.id, cluster: cluster.name, store: cluster.store, lease: .seconds(3))
        defer { Task { await restarted.kill() } }
        try await Task.sleep(for: .milliseconds(300))
        // The new run takes its earlier run's lease at once.
        _ = try await restarted.registry.view(cluster.ticket, for: cluster.agent)

        // A's first messages from the new run are this call's snapshot and reply: they must not
        // fail the call as if it had gone to the old run.
        let reply = try await a.registry.subscribe(
            cluster.ticket,
            SubscribeRequest(subscriber: cluster.subscriber(a, 2), principal: cluster.agent, fromVersion: nil, ref: "second"))
        guard case .snapshot(let view, _) = reply else {
            Issue.record("expected a snapshot, got \(reply)")
            return
        }
        let replies = a.recorder.received(a.address(2)).filter {
            if case .subscribed(_, _, _, let ref) = $0 { ref == "second" } else { false }
        }
        #expect(replies.count == 1)
        // The topic is held: an edit made on B reaches A's connection.
        _ = try await restarted.registry.submit(
            cluster.ticket, cluster.insert("after restart", client: "b", seq: 1, base: view.version, replyTo: nil))
        #expect(await eventually { a.recorder.opVersions(a.address(2)) == [view.version + 1] })
    }
}
