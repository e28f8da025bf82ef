// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

@testable import TandemServer

/// What a client that breaks the rules gets, over real sockets (``RawSocket``): the
/// handshake checks, RFC 6455 framing, the exact abuse thresholds, the per-user connection
/// cap, and closes that complete even when the client stops reading.
@Suite("Hostile clients over real sockets")
struct HostileClientTests {
    /// Polls `condition` until it holds or `seconds` pass (generous: a loaded 2-core machine).
    static func eventually(_ seconds: Double = 20, _ condition: () -> Bool) async -> Bool {
        let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
        while ContinuousClock.now < deadline {
            if condition() { return true }
            try? await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }

    /// An upgraded, authenticated raw connection: the 101 and the `hello` are read.
    static func upgraded(_ server: LiveServer, _ person: Person, receiveBuffer: Int32? = nil) async throws -> RawSocket {
        let port = server.port
        let token = person.token
        return try await RawSocket.run {
            let socket = try RawSocket(port: port, receiveBuffer: receiveBuffer)
            try socket.upgrade(token: token)
            let answer = try socket.readHTTP()
            guard answer.status == 101 else { throw RawSocket.Failure(description: "upgrade: \(answer)") }
            guard let hello = try socket.readFrame(), hello.text.contains(#""type":"hello""#) else {
                throw RawSocket.Failure(description: "no hello")
            }
            return socket
        }
    }

    @Test("a missing or malformed Sec-WebSocket-Key gets 400, another version 426 naming 13; each is closed")
    func handshakeChecks() async throws {
        try await LiveServer.run { server in
            let port = server.port
            let token = server.agents[0].token
            let cases: [(key: String?, version: String?, status: Int, code: String)] = [
                (nil, "13", 400, "bad_handshake"),
                ("not-base64!", "13", 400, "bad_handshake"),
                ("c2hvcnQ=", "13", 400, "bad_handshake"),  // 5 bytes, not 16
                ("dGhlIHNhbXBsZSBub25jZQ==", "8", 426, "unsupported_websocket_version"),
                ("dGhlIHNhbXBsZSBub25jZQ==", nil, 426, "unsupported_websocket_version"),
            ]
            for (key, version, status, code) in cases {
                let (answer, closed) = try await RawSocket.run {
                    let socket = try RawSocket(port: port)
                    try socket.upgrade(key: key, version: version, token: token)
                    return (try socket.readHTTP(), socket.closedByPeer(timeout: 10))
                }
                #expect(answer.status == status, "key \(key ?? "none"), version \(version ?? "none"): \(answer)")
                #expect(answer.body.contains(#""code":"\#(code)""#), "\(answer.body)")
                #expect(answer.headers["connection"]?.lowercased() == "close")
                if status == 426 { #expect(answer.headers["sec-websocket-version"] == "13") }
                #expect(closed, "the connection stays open after \(status)")
            }
            // The accept value is the one RFC 6455 §1.3 gives for its sample key.
            #expect(LiveUpgrader.accept("dGhlIHNhbXBsZSBub25jZQ==") == "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=")
        }
    }

    @Test("an unmasked client frame fails the connection with 1002")
    func unmaskedFrame() async throws {
        try await LiveServer.run { server in
            let socket = try await Self.upgraded(server, server.agents[0])
            let (_, close) = try await RawSocket.run {
                try socket.send(opcode: 0x1, Array(#"{"type":"ping"}"#.utf8), masked: false)
                return try socket.readUntilClose()
            }
            #expect(close == 1002)
            #expect(try await RawSocket.run { socket.closedByPeer(timeout: 10) })
        }
    }

    @Test("a text message that is not UTF-8 closes the connection with 1007")
    func invalidUTF8() async throws {
        try await LiveServer.run { server in
            let socket = try await Self.upgraded(server, server.agents[0])
            let (texts, close) = try await RawSocket.run {
                try socket.send(opcode: 0x1, [0x7B, 0x22, 0xC3, 0x28, 0x22, 0x7D])
                return try socket.readUntilClose()
            }
            #expect(close == 1007)
            #expect(!texts.contains { $0.contains("invalid_json") }, "answered as JSON: \(texts)")
        }
    }

    @Test("the 50th invalid message closes with 4008, and nothing after it is answered")
    func invalidMessageThreshold() async throws {
        try await LiveServer.run { server in
            let socket = try await Self.upgraded(server, server.agents[0])
            let (texts, close) = try await RawSocket.run {
                for index in 0..<80 { try socket.sendText("garbage \(index)") }
                try socket.sendText(#"{"type":"ping","ref":"after"}"#)
                return try socket.readUntilClose()
            }
            #expect(close == 4008)
            #expect(texts.filter { $0.contains(#""code":"invalid_json""#) }.count == 50, "\(texts.count) frames")
            #expect(!texts.contains { $0.contains("pong") })
        }
    }

    @Test("the op that brings a run of refusals to 500 closes with 4029, with 499 rate_limited before it")
    func rateLimitThreshold() async throws {
        let options = LiveOptions(configure: {
            $0.live.opsPerSecond = 1
            $0.live.opsBurst = 4
        })
        try await LiveServer.run(options) { server in
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let socket = try await Self.upgraded(server, server.agents[0])
            let (texts, close) = try await RawSocket.run {
                try socket.sendText(#"{"type":"subscribe","topic":"ticket:\#(ticket)"}"#)
                for seq in 1...700 {
                    try socket.sendText(
                        #"{"type":"op","topic":"ticket:\#(ticket)","client":"c","seq":\#(seq),"v":0,"op":{"kind":"text","field":"replyDraft","op":["a"]}}"#
                    )
                }
                return try socket.readUntilClose(timeout: 60)
            }
            #expect(close == 4029)
            #expect(texts.filter { $0.contains(#""code":"rate_limited""#) }.count == 499)
        }
    }

    @Test("past live.maxConnectionsPerUser an upgrade gets 429 and an auth message 4009; a freed slot is usable")
    func perUserCap() async throws {
        let options = LiveOptions(live: { $0.maxConnectionsPerUser = 2 })
        try await LiveServer.run(options) { server in
            let agent = server.agents[0]
            let first = try await server.connect(agent)
            let second = try await server.connect(agent)
            let port = server.port
            let refused = try await RawSocket.run {
                let socket = try RawSocket(port: port)
                try socket.upgrade(token: agent.token)
                return (try socket.readHTTP(), socket.closedByPeer(timeout: 10))
            }
            #expect(refused.0.status == 429, "\(refused.0)")
            #expect(refused.0.body.contains(#""code":"too_many_connections""#))
            #expect(refused.0.headers["retry-after"] != nil)
            #expect(refused.1)
            // Without credentials on the upgrade, the cap applies when the auth message arrives.
            let (texts, close) = try await RawSocket.run {
                let socket = try RawSocket(port: port)
                try socket.upgrade(token: nil)
                guard try socket.readHTTP().status == 101 else { throw RawSocket.Failure(description: "no upgrade") }
                try socket.sendText(#"{"type":"auth","token":"\#(agent.token)"}"#)
                return try socket.readUntilClose()
            }
            #expect(close == 4009)
            #expect(texts.contains { $0.contains(#""code":"too_many_connections""#) })
            // Other users are not affected; a slot freed by a close is usable again.
            let other = try await server.connect(server.agents[1])
            await first.close()
            #expect(await Self.eventually { server.dependencies.hub.connections(of: agent.user.id) == 1 })
            let third = try await server.connect(agent)
            #expect(try await third.subscribe("notifications").type == "notifications")
            for client in [second, other, third] { await client.close() }
        }
    }

    @Test("a client that stops reading is closed within the close deadline and its queued bytes are released")
    func nonReaderIsClosed() async throws {
        var limits = OutboundLimits()
        limits.softBytes = 256 << 10
        limits.hardBytes = 1 << 20
        let options = LiveOptions(live: { $0.closeTimeout = .seconds(1) }, outbound: limits)
        try await LiveServer.run(options) { server in
            let hub = server.dependencies.hub
            let ticket = try await server.createTicket(
                as: server.agents[0], requester: server.customers[0], team: server.team,
                description: String(repeating: "A long log line pasted by the customer. ", count: 800))
            let baseline = hub.count
            // A tiny receive buffer, and the client never reads: the server's socket soon stops
            // being writable, so its 1008 close frame can never be written.
            let socket = try await Self.upgraded(server, server.agents[0], receiveBuffer: 2048)
            #expect(await Self.eventually { hub.count == baseline + 1 })
            try await RawSocket.run {
                for _ in 0..<300 { try socket.sendText(#"{"type":"subscribe","topic":"ticket:\#(ticket)"}"#) }
            }
            #expect(await Self.eventually(30) { hub.count == baseline }, "still open: \(hub.count - baseline)")
            #expect(await Self.eventually { hub.queuedBytes == 0 }, "queued bytes left: \(hub.queuedBytes)")
            #expect(try await RawSocket.run { socket.closedByPeer(timeout: 10) })
            // The node is unharmed.
            let agent = try await server.connect(server.agents[1])
            #expect(try await agent.subscribe("ticket:\(ticket)").type == "snapshot")
            await agent.close()
        }
    }

    @Test("a client that neither reads nor answers pings is closed within two heartbeats and the close deadline")
    func silentClientIsClosed() async throws {
        let options = LiveOptions(live: {
            $0.heartbeatSeconds = 1
            $0.closeTimeout = .seconds(1)
        })
        try await LiveServer.run(options) { server in
            let hub = server.dependencies.hub
            let baseline = hub.count
            let socket = try await Self.upgraded(server, server.agents[0])
            #expect(await Self.eventually { hub.count == baseline + 1 })
            #expect(await Self.eventually { hub.count == baseline }, "the silent client is still connected")
            let (_, close) = try await RawSocket.run { try socket.readUntilClose() }
            #expect(close == 1001)
        }
    }
}
