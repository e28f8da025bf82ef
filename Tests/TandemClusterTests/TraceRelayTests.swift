// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import TandemActors
@testable import TandemCluster
import TandemCore
import TandemTestSupport
import Testing

@Suite("Trace context across nodes", .enabled(if: ClusterTestEnvironment.enabled), .serialized)
struct TraceRelayTests {
    @Test("a call relayed to another node runs there under the caller's trace id, and one without a trace without")
    func callsCarryTheTrace() async throws {
        let name = "t\(UUID().uuidString.prefix(6).lowercased())"
        func runtime(_ id: String) throws -> ClusterRuntime {
            var settings = ClusterSettings(
                node: id, redis: try ClusterTestEnvironment.options(), lease: .seconds(3), callTimeout: .seconds(5))
            settings.name = name
            return try ClusterRuntime(settings: settings, local: DeliveryRecorder(), logger: ClusterTestEnvironment.logger)
        }
        let (a, b) = (try runtime("\(name)a"), try runtime("\(name)b"))
        let seen = TraceLog()
        let nodes = Task {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { try? await a.run() }
                group.addTask { try? await b.run() }
                group.addTask {
                    await b.node.serve { _ in
                        seen.values.withLock { $0.append(TraceContext.traceID) }
                        return .notOwner
                    }
                }
            }
        }
        defer { nodes.cancel() }
        try await Task.sleep(for: .milliseconds(500))  // both subscribed to their channels
        let call = ActorCall.ticket(TicketID("tkt_trace"), .publishDue)
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        let traced = try await TraceContext.$traceID.withValue(trace) { try await a.node.call(call, on: b.settings.node) }
        #expect(traced == .notOwner)
        _ = try await a.node.call(call, on: b.settings.node)
        TraceContext.$traceID.withValue("0af7651916cd43dd8448eb211c80319c") { a.node.send(call, to: b.settings.node) }
        #expect(await eventually { seen.values.withLock { $0.count } == 3 })
        #expect(seen.values.withLock { $0 } == [trace, nil, "0af7651916cd43dd8448eb211c80319c"])
    }

    @Test("the trace survives the wire, and a call from a sender of an earlier version decodes without one")
    func wire() throws {
        let call = ActorCall.ticket(TicketID("tkt_trace"), .publishDue)
        let bytes = NodeEnvelope.encode(
            from: "n1", epoch: "e", seq: 1, body: NodeMessage.call(id: 4, call, trace: "abc").encoded())
        #expect(NodeEnvelope(bytes: bytes)?.message == .call(id: 4, call, trace: "abc"))
        // An earlier sender's JSON: the case without a `trace` key.
        var old = NodeMessage.call(id: 4, call).encoded()
        let text = String(decoding: old, as: UTF8.self)
        #expect(!text.contains(#""trace""#), "\(text)")
        old = NodeEnvelope.encode(from: "n1", epoch: "e", seq: 2, body: old)
        #expect(NodeEnvelope(bytes: old)?.message == .call(id: 4, call, trace: nil))
    }
}

/// The trace ids calls arrived with.
private final class TraceLog: Sendable {
    let values = Mutex<[String?]>([])
}
