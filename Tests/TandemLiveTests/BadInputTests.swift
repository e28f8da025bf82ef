// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

/// One test per bad input of issue point 6: each gets its typed error, changes nothing,
/// and leaves the connection open (except an oversized frame, which closes it with 1009).
@Suite("Bad input over real WebSockets")
struct BadInputTests {
    /// A ticket with some text, an agent connected and subscribed, and the ticket as it was.
    struct Setup: Sendable {
        var server: LiveServer
        var ticket: String
        var socket: LiveTestClient
        var writer: TicketWriter
        var before: JSON
    }

    static func withSetup(
        _ options: LiveOptions = LiveOptions(), _ body: @escaping @Sendable (Setup) async throws -> Void
    ) async throws {
        try await LiveServer.run(options) { server in
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let socket = try await server.connect(server.agents[0])
            _ = try await socket.subscribe("ticket:\(ticket)")
            let writer = TicketWriter(socket, ticket: ticket, version: 0)
            #expect(try await writer.text(.replyDraft, ["Dear customer, "]).type == "ack")
            let before = try await server.ticket(ticket, as: server.admin)
            try await body(Setup(server: server, ticket: ticket, socket: socket, writer: writer, before: before))
            await socket.close()
        }
    }

    /// The connection still answers, and the ticket is exactly as it was.
    static func expectUnharmed(_ setup: Setup, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await setup.socket.ping()
        #expect(!setup.socket.inbox.isClosed, sourceLocation: sourceLocation)
        let after = try await setup.server.ticket(setup.ticket, as: setup.server.admin)
        #expect(after == setup.before, "the ticket changed", sourceLocation: sourceLocation)
    }

    @Test("a frame larger than live.maxMessageBytes closes the connection with 1009")
    func frameTooLarge() async throws {
        try await Self.withSetup(LiveOptions(configure: { $0.live.maxMessageBytes = 4096 })) { setup in
            let padding = String(repeating: "x", count: 8192)
            try await setup.socket.send(#"{"type":"ping","ref":"\#(padding)"}"#)
            let closed = try await setup.socket.inbox.waitForClose()
            #expect(closed.code == 1009, "\(closed)")
            let after = try await setup.server.ticket(setup.ticket, as: setup.server.admin)
            #expect(after == setup.before)
            // Just under the limit is fine.
            let fresh = try await setup.server.connect(setup.server.agents[0])
            try await fresh.send(#"{"type":"ping","pad":"\#(String(repeating: "y", count: 3000))"}"#)
            _ = try await fresh.inbox.next("pong")
            await fresh.close()
        }
    }

    @Test("a fragmented message adding up to more than live.maxMessageBytes closes the connection")
    func fragmentedMessageTooLarge() async throws {
        try await Self.withSetup(LiveOptions(configure: { $0.live.maxMessageBytes = 4096 })) { setup in
            // Under the limit, fragments are reassembled and handled.
            let small = #"{"type":"ping","pad":"\#(String(repeating: "s", count: 2500))"}"#
            try await setup.socket.sendFragmented(small, fragmentSize: 1000)
            _ = try await setup.socket.inbox.next("pong")
            // Over it, the connection ends with 1009 (message too big), as for one frame over the limit.
            let big = #"{"type":"ping","ref":"\#(String(repeating: "b", count: 10_000))"}"#
            try await setup.socket.sendFragmented(big, fragmentSize: 2000)
            let closed = try await setup.socket.inbox.waitForClose()
            #expect(closed.code == 1009, "\(closed)")
            #expect(!setup.socket.inbox.all.contains { $0.type == "pong" && $0.text.contains("bbbb") })
            let after = try await setup.server.ticket(setup.ticket, as: setup.server.admin)
            #expect(after == setup.before)
        }
    }

    @Test("an edit growing a text past actors.maxTextScalars gets text_too_long")
    func textTooLong() async throws {
        try await Self.withSetup(LiveOptions(configure: { $0.actors.maxTextScalars = 40 })) { setup in
            let answer = try await setup.writer.text(.replyDraft, [15, String(repeating: "漢", count: 30)])
            #expect(answer.type == "error")
            #expect(answer.code == "text_too_long", "\(answer)")
            #expect(answer.json["seq"]?.int != nil)
            try await Self.expectUnharmed(setup)
        }
    }

    @Test("operations faster than the budget get rate_limited")
    func rateLimited() async throws {
        let options = LiveOptions(configure: {
            $0.live.opsPerSecond = 1
            $0.live.opsBurst = 4
        })
        try await LiveServer.run(options) { server in
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let socket = try await server.connect(server.agents[0])
            _ = try await socket.subscribe("ticket:\(ticket)")
            let writer = TicketWriter(socket, ticket: ticket, version: 0)
            var acked = 0
            var limited = 0
            let started = ContinuousClock.now
            for _ in 0..<10 {
                let answer = try await writer.text(.replyDraft, ["a"])
                if answer.type == "ack" { acked += 1 }
                if answer.code == "rate_limited" { limited += 1 }
            }
            // The burst of 4, plus one token per second that the ten round trips took (a loaded
            // machine can take several seconds).
            let elapsed = ContinuousClock.now - started
            let refilled = Int((Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18).rounded(.up))
            #expect(acked >= 4 && acked <= 4 + refilled, "acked \(acked) in \(elapsed)")
            #expect(limited == 10 - acked)
            #expect(limited > 0 || refilled >= 6, "nothing was rate limited in \(elapsed)")
            try await socket.ping()
            let after = try await server.ticket(ticket, as: server.admin)
            #expect(after["version"]?.int == Int64(acked))
            #expect(after["replyDraft"]?.string == String(repeating: "a", count: acked))
            await socket.close()
        }
    }

    @Test("more subscriptions than live.maxSubscriptions get too_many_subscriptions")
    func tooManySubscriptions() async throws {
        try await Self.withSetup(LiveOptions(configure: { $0.live.maxSubscriptions = 2 })) { setup in
            #expect(try await setup.socket.subscribe("notifications").type == "notifications")
            let third = try await setup.socket.subscribe("team:\(setup.server.team.id.rawValue)")
            #expect(third.type == "error")
            #expect(third.code == "too_many_subscriptions", "\(third)")
            // The existing subscriptions still work.
            try await setup.server.setStatus(setup.ticket, "open", as: setup.server.agents[1])
            _ = try await setup.socket.inbox.next("op", topic: "ticket:\(setup.ticket)")
        }
    }

    @Test("an operation on a future version gets future_version")
    func futureVersion() async throws {
        try await Self.withSetup { setup in
            let answer = try await setup.writer.text(.replyDraft, ["!"], version: setup.writer.version + 5)
            #expect(answer.code == "future_version", "\(answer)")
            try await Self.expectUnharmed(setup)
        }
    }

    @Test("an operation with a position out of range gets invalid_operation")
    func positionOutOfRange() async throws {
        try await Self.withSetup { setup in
            let answer = try await setup.writer.text(.replyDraft, [500, "late"])
            #expect(answer.code == "invalid_operation", "\(answer)")
            let delete = try await setup.writer.text(.description, [["d": 10_000]])
            #expect(delete.code == "invalid_operation", "\(delete)")
            try await Self.expectUnharmed(setup)
        }
    }

    @Test("an unknown message type gets unknown_type")
    func unknownType() async throws {
        try await Self.withSetup { setup in
            let answer = try await setup.socket.expectError(["type": "dance", "topic": "ticket:\(setup.ticket)"])
            #expect(answer.code == "unknown_type", "\(answer)")
            try await Self.expectUnharmed(setup)
        }
    }

    @Test("invalid JSON gets invalid_json")
    func invalidJSON() async throws {
        try await Self.withSetup { setup in
            let mark = setup.socket.inbox.mark
            for text in [#"{"type":"op","topic":"ticket:\#(setup.ticket)","#, "not json at all", "\u{7}"] {
                try await setup.socket.send(text)
            }
            for _ in 0..<3 {
                let error = try await setup.socket.inbox.next("error") { $0.index > mark && $0.type == "error" }
                #expect(error.code == "invalid_json", "\(error)")
            }
            try await Self.expectUnharmed(setup)
        }
    }

    @Test("wrong field types get invalid_message")
    func wrongFieldTypes() async throws {
        try await Self.withSetup { setup in
            let topic = "ticket:\(setup.ticket)"
            let frames: [[String: Any]] = [
                ["type": "op", "topic": topic, "client": 5, "seq": "one", "v": true, "op": ["kind": "text"]],
                [
                    "type": "op", "topic": topic, "client": "c", "seq": 1, "v": 1,
                    "op": ["kind": "text", "field": "replyDraft", "op": "insert"],
                ],
                [
                    "type": "op", "topic": topic, "client": "c", "seq": 1, "v": 1,
                    "op": ["kind": "text", "field": "replyDraft", "op": [0, "x"]],
                ],
                [
                    "type": "op", "topic": topic, "client": "c", "seq": 1, "v": 1,
                    "op": ["kind": "set", "field": "status", "value": "sideways"],
                ],
                ["type": "subscribe", "topic": 42],
                ["type": "presence", "topic": topic, "state": "dancing"],
                ["type": 7],
            ]
            for frame in frames {
                let error = try await setup.socket.expectError(frame)
                #expect(error.code == "invalid_message", "\(frame) → \(error)")
            }
            let array = setup.socket.inbox.mark
            try await setup.socket.send("[1,2,3]")
            let notObject = try await setup.socket.inbox.next("error") { $0.index > array && $0.type == "error" }
            #expect(notObject.code == "invalid_message", "\(notObject)")
            try await Self.expectUnharmed(setup)
        }
    }

    @Test("an abusive client sending many invalid frames is closed with 4008")
    func abusiveClientClosed() async throws {
        try await Self.withSetup { setup in
            for index in 0..<60 {
                guard !setup.socket.inbox.isClosed else { break }
                try? await setup.socket.send("garbage \(index)")
            }
            let closed = try await setup.socket.inbox.waitForClose()
            #expect(closed.code == 4008, "\(closed)")
            #expect(setup.socket.inbox.all.filter { $0.code == "invalid_json" }.count >= 40)
            let after = try await setup.server.ticket(setup.ticket, as: setup.server.admin)
            #expect(after == setup.before)
        }
    }
}
