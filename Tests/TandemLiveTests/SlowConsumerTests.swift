// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import Synchronization
import TandemActors
import TandemCore
import Testing

@testable import TandemServer

@Suite("Slow consumers")
struct SlowConsumerTests {
    /// Small outbound limits (not in the configuration; the hub is rebuilt with them).
    static var smallLimits: OutboundLimits {
        var limits = OutboundLimits()
        limits.softFrames = 32
        limits.softBytes = 256 * 1024
        return limits
    }

    @Test("a subscriber that stops reading is capped and resynced, then catches up exactly")
    func slowConsumerIsResynced() async throws {
        let options = LiveOptions(
            configure: {
                $0.live.opsPerSecond = 100_000
                $0.live.opsBurst = 100_000
            }, outbound: Self.smallLimits)
        try await LiveServer.run(options) { server in
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let topic = "ticket:\(ticket)"
            let writerSocket = try await server.connect(server.agents[0], name: "writer")
            _ = try await writerSocket.subscribe(topic)
            let writer = TicketWriter(writerSocket, ticket: ticket, version: 0)
            let reader = try await server.connect(server.agents[1], name: "reader")
            #expect(try await reader.subscribe(topic).json["v"]?.int == 0)

            // The reader stops reading; the writer pushes big edits until the reader's queue overflows.
            reader.pauseReading()
            let chunk = String(repeating: "0123456789abcdef", count: 4096)  // 64 KiB per insert frame
            var submitted = 0
            var overflowed = false
            for round in 1...300 {
                #expect(try await writer.text(.replyDraft, [chunk]).type == "ack")
                #expect(try await writer.text(.replyDraft, [["d": chunk.count]]).type == "ack")
                submitted += 2
                if round % 10 == 0, try await server.metric("tandem_websocket_resyncs_total") > 0 {
                    overflowed = true
                    break
                }
            }
            #expect(overflowed, "the reader's queue never overflowed after \(submitted) ops")
            let tail = 6
            for index in 0..<tail / 2 {
                #expect(try await writer.text(.replyDraft, ["tail \(index) "]).type == "ack")
                #expect(try await writer.text(.description, ["·"]).type == "ack")
            }
            submitted += tail
            let current = writer.version
            #expect(current == Int64(submitted))

            // Reading again: what was already on the wire, then one resync, then silence on the topic.
            reader.resumeReading()
            let resync = try await reader.inbox.next("resync", topic: topic, timeout: .seconds(15))
            #expect(resync.json["reason"]?.string == "slow_consumer")
            let ops = reader.inbox.frames { $0.type == "op" && $0.topic == topic }
            #expect(ops.count < submitted, "every op was queued: nothing was capped")
            let versions = ops.compactMap { $0.json["op"]?["version"]?.int }
            #expect(versions == (0..<versions.count).map { Int64($0 + 1) }, "the kept prefix is contiguous")
            #expect(try await reader.inbox.staysQuiet(for: .milliseconds(200), after: resync.index) { $0.type == "op" })

            // Resubscribing from the last version seen delivers exactly the rest.
            let known = versions.last ?? 0
            let catchUp = try await reader.subscribe(topic, from: known, timeout: .seconds(15))
            #expect(catchUp.type == "ops" || catchUp.type == "snapshot", "\(catchUp)")
            if catchUp.type == "ops" {
                let rest = (catchUp.json["ops"]?.array ?? []).compactMap { $0["version"]?.int }
                #expect(rest == Array((known + 1)...current))
            }
            #expect(catchUp.json["v"]?.int == current)
            // And the topic is live again.
            #expect(try await writer.text(.replyDraft, ["again"]).type == "ack")
            let live = try await reader.inbox.next("op after the catch-up") { $0.index > catchUp.index && $0.type == "op" }
            #expect(live.json["op"]?["version"]?.int == current + 1)
            await reader.close()
            await writerSocket.close()
        }
    }

    @Test("a connection's outbound queue stays under its soft limit and keeps control frames")
    func queueIsBounded() async throws {
        let resyncs = ResyncCounter()
        let connection = Connection(
            address: SubscriberAddress(node: "test", connection: 1), limits: Self.smallLimits,
            onResync: { resyncs.increment() })
        let frame = ByteBuffer(string: String(repeating: "x", count: 200))
        for _ in 0..<10_000 { connection.enqueue(frame, topic: "ticket:a") }
        #expect(connection.queuedFrames <= Self.smallLimits.softFrames + 1)
        #expect(resyncs.value >= 1)
        // Control frames (errors, replies) still go through; the topic's traffic does not.
        connection.enqueue(ByteBuffer(string: #"{"type":"pong"}"#), topic: nil)
        let queued = connection.queuedFrames
        connection.enqueue(frame, topic: "ticket:a")
        #expect(connection.queuedFrames == queued)
        // Another topic is unaffected until it overflows too.
        connection.enqueue(frame, topic: "ticket:b")
        #expect(connection.queuedFrames == queued + 1)
        let drained = connection.take(maxBytes: .max) ?? []
        let texts = drained.map { String(buffer: $0.payload) }
        #expect(texts.filter { $0.contains(#""type":"resync""#) && $0.contains("ticket:a") }.count == 1)
        #expect(texts.contains(#"{"type":"pong"}"#))
        // Resubscribed: the topic flows again.
        connection.resume(topic: "ticket:a")
        connection.enqueue(frame, topic: "ticket:a")
        #expect(connection.queuedFrames == 1)
        connection.close()
    }
}

extension SlowConsumerTests {
    @Test(
        "past the node budget, a queue holding the floor is closed on its next frame; a small one and the budget's sum stay right"
    )
    func nodeBudgetClosesTheLargestQueues() {
        var limits = OutboundLimits()
        limits.budgetFloorBytes = 64 * 1024
        let budget = OutboundBudget(limit: 256 * 1024)
        func connection(_ id: UInt64) -> Connection {
            Connection(address: SubscriberAddress(node: "test", connection: id), limits: limits, budget: budget, onResync: {})
        }
        let slow = connection(1)
        let reader = connection(2)
        let frame = ByteBuffer(string: String(repeating: "x", count: 16 * 1024))
        // The slow reader's queue grows past the whole node's budget; no single-connection limit is hit.
        var frames = 0
        while !budget.isExceeded && frames < 100 {
            slow.enqueue(frame, topic: "ticket:a")
            frames += 1
        }
        #expect(!slow.isClosed && slow.queuedFrames == frames)
        #expect(budget.bytes == slow.queuedBytes)
        #expect(budget.isExceeded)
        // Over budget: a connection below the floor still gets its frames...
        reader.enqueue(frame, topic: "ticket:a")
        #expect(!reader.isClosed && reader.queuedFrames == 1)
        // ...the one holding the floor is closed on its next frame, which is not queued.
        let before = slow.queuedFrames
        slow.enqueue(frame, topic: "ticket:a")
        #expect(slow.isClosed)
        #expect(slow.queuedFrames == before)
        // The reader drains; the socket of the closed one goes: the budget returns to zero.
        _ = reader.take(maxBytes: .max)
        slow.discard()
        #expect(budget.bytes == 0)
        #expect(!budget.isExceeded)
    }
}

private final class ResyncCounter: Sendable {
    private let count = Atomic<Int>(0)
    func increment() { count.add(1, ordering: .relaxed) }
    var value: Int { count.load(ordering: .relaxed) }
}
