// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdTesting
import NIOCore
import Testing

@Suite("Handshake and authentication")
struct HandshakeTests {
    @Test("a client that does not authenticate in time is closed with 4002")
    func authenticationTimeout() async throws {
        // `LiveSettings.authenticationTimeout` is not in the configuration (default 10 s):
        // this node is assembled with a short one.
        let options = LiveOptions(live: { $0.authenticationTimeout = .milliseconds(400) })
        try await LiveServer.run(options) { server in
            let silent = try await LiveTestClient.connect(port: server.port, token: nil, name: "silent")
            // Before authenticating, frames are refused (and the clock keeps running).
            let refused = try await silent.expectError(["type": "subscribe", "topic": "notifications"])
            #expect(refused.code == "unauthenticated", "\(refused)")
            let closed = try await silent.inbox.waitForClose(timeout: .seconds(5))
            #expect(closed.code == 4002, "\(closed)")
            #expect(!silent.inbox.all.contains { $0.type == "hello" })
        }
    }

    @Test("authenticating with an auth frame in time gets hello and the connection stays")
    func authenticateWithFrame() async throws {
        // Long enough for the auth frame to be checked on a loaded machine; the sleep below
        // then outlasts the deadline to show that it was cancelled.
        let options = LiveOptions(live: { $0.authenticationTimeout = .milliseconds(2_000) })
        try await LiveServer.run(options) { server in
            let client = try await LiveTestClient.connect(port: server.port, token: nil, name: "late auth")
            try await client.send(["type": "auth", "token": server.agents[0].token])
            let hello = try await client.inbox.next("hello")
            #expect(hello.json["user"]?["id"]?.string == server.agents[0].id)
            try await Task.sleep(for: .milliseconds(2_300))
            try await client.ping()
            #expect(!client.inbox.isClosed)
            await client.close()

            // A bad token in the auth frame: error, then close 4001.
            let impostor = try await LiveTestClient.connect(port: server.port, token: nil, name: "impostor")
            try await impostor.send(["type": "auth", "token": "not-a-token"])
            let error = try await impostor.inbox.next("error")
            #expect(error.code == "unauthenticated")
            let closed = try await impostor.inbox.waitForClose()
            #expect(closed.code == 4001, "\(closed)")
        }
    }

    @Test("a handshake from a disallowed Origin is refused")
    func originChecked() async throws {
        try await LiveServer.run(LiveOptions(configure: { $0.http.allowedOrigins = ["https://desk.example.test"] })) { server in
            let probe = try await server.rest.executeRequest(
                uri: "/ws", method: .get, headers: [.origin: "https://evil.example.test"], body: nil)
            #expect(probe.status.code == 403)
            #expect(String(buffer: probe.body).contains("origin_not_allowed"))

            // The WebSocket upgrade itself, with that Origin: refused (HummingbirdWSClient always
            // sends its own `Origin: ws://host` first, so the handshake is made by hand here).
            // Refused with the typed answer (not Hummingbird's bare 400).
            let refused = try await Self.upgrade(
                port: server.port, origin: "https://evil.example.test", token: server.agents[0].token)
            #expect(refused.status.code == 403, "\(refused.status)")
            #expect(
                String(buffer: refused.body ?? ByteBuffer()).contains(#""code":"origin_not_allowed""#),
                "\(String(buffer: refused.body ?? ByteBuffer()))")
            // The server's own origin is not allowed either once a list is configured: the list is exact.
            let own = try await Self.upgrade(
                port: server.port, origin: "http://127.0.0.1:\(server.port)", token: server.agents[0].token)
            #expect(own.status.code == 403, "\(own.status)")
            let accepted = try await Self.upgrade(
                port: server.port, origin: "https://desk.example.test", token: server.agents[0].token)
            #expect(accepted.status.code == 101, "\(accepted.status)")
            // A client library's own ws:// origin is not a browser's, and gets in.
            let library = try await server.connect(server.agents[0])
            try await library.ping()
            await library.close()
        }
    }

    /// Sends a WebSocket upgrade request on a fresh connection and returns the response head.
    static func upgrade(port: Int, origin: String, token: String) async throws -> TestClient.Response {
        let client = TestClient(host: "127.0.0.1", port: port, configuration: .init(timeout: .seconds(5)))
        client.connect()
        defer { Task { try? await client.shutdown() } }
        let request = TestClient.Request(
            "/ws", method: .get, authority: "127.0.0.1:\(port)",
            headers: [
                .origin: origin, .authorization: "Bearer \(token)", .connection: "Upgrade", .upgrade: "websocket",
                .secWebSocketVersion: "13", .secWebSocketKey: "dGhlIHNhbXBsZSBub25jZQ==",
                .secWebSocketProtocol: "tandem.v1",
            ])
        return try await client.execute(request)
    }
}
