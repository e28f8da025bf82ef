// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemTestSupport
import Testing

@testable import TandemServer

/// HTTP that a hostile client cannot hold (``HTTPGuard``), over real sockets against the real
/// server: every answer the guard writes, and every close, as a client sees them. Deadlines are
/// short through the settings; the waits are long, and polled.
@Suite struct ConnectionLimitsTests {
    /// The server with short limits: `configure` may change them further.
    static func run(
        _ configure: @escaping @Sendable (inout TandemConfiguration) -> Void = { _ in },
        _ body: @escaping @Sendable (_ port: Int, _ api: APIClient, _ env: TestEnvironment) async throws -> Void
    ) async throws {
        let env = try await TestEnvironment.make {
            $0.http.headTimeoutSeconds = 1
            $0.http.bodyTimeoutSeconds = 1
            $0.http.idleTimeoutSeconds = 30
            $0.http.maxHeadBytes = 4096
            configure(&$0)
        }
        try await env.run { api in try await body(try #require(api.port), api, env) }
    }

    /// Sends `request` on a new connection; returns the first response and whether the server
    /// then closed the connection.
    static func exchange(_ request: String, port: Int) async throws -> (RawResponse?, closed: Bool) {
        let connection = try await RawConnection.open(port: port)
        defer { Task { await connection.close() } }
        try await connection.send(request)
        let response = await connection.responses(1).first
        return (response, await connection.waitForClose())
    }

    static func expectRefusal(
        _ response: RawResponse?, _ status: Int, _ code: String, closed: Bool,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        #expect(response?.status == status, "\(String(describing: response))", sourceLocation: sourceLocation)
        #expect(response?.errorCode == code, "\(response?.body ?? "no response")", sourceLocation: sourceLocation)
        #expect(response?.header("Connection") == "close", sourceLocation: sourceLocation)
        #expect(response?.header("Content-Type")?.hasPrefix("application/json") == true, sourceLocation: sourceLocation)
        #expect(response?.header("X-Content-Type-Options") == "nosniff", "security headers", sourceLocation: sourceLocation)
        #expect(closed, "the server closed the connection", sourceLocation: sourceLocation)
    }

    // MARK: Heads

    @Test func aHeadOverTheLimitIs431AndClosed() async throws {
        try await Self.run { port, _, _ in
            let start = "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Pad: "
            func head(bytes: Int) -> String { start + String(repeating: "a", count: bytes - start.utf8.count - 4) + "\r\n\r\n" }
            // Exactly the limit (4,096 bytes of head), followed by a second request: both served.
            let connection = try await RawConnection.open(port: port)
            defer { Task { await connection.close() } }
            try await connection.send(head(bytes: 4096) + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await connection.responses(2).map(\.status) == [200, 200])
            // One byte over.
            let (refused, closed) = try await Self.exchange(head(bytes: 4097), port: port)
            Self.expectRefusal(refused, 431, "headers_too_large", closed: closed)
            // The issue's case: a 100 KiB header, past the HTTP parser's own 80 KiB limit.
            let huge = "GET / HTTP/1.1\r\nHost: x\r\nX-A: \(String(repeating: "a", count: 100_000))\r\n\r\n"
            let (hugeRefused, hugeClosed) = try await Self.exchange(huge, port: port)
            Self.expectRefusal(hugeRefused, 431, "headers_too_large", closed: hugeClosed)
        }
    }

    @Test func aHeadSentOneByteAtATimeIsCutByTheHeadDeadline() async throws {
        // The idle timeout (30 s) is far off: only the head deadline (1 s) can end this.
        try await Self.run { port, _, _ in
            let connection = try await RawConnection.open(port: port)
            defer { Task { await connection.close() } }
            let started = ContinuousClock.now
            try await connection.send("GET /healthz HTTP/1.1\r\nHost: x\r\n")
            var sent = 0
            while !connection.closedByServer, ContinuousClock.now - started < .seconds(25) {
                guard (try? await connection.send("X")) != nil else { break }
                sent += 1
                try await Task.sleep(for: .milliseconds(100))
            }
            let response = await connection.responses(1).first
            Self.expectRefusal(response, 408, "request_timeout", closed: await connection.waitForClose())
            #expect(ContinuousClock.now - started < .seconds(20), "cut by the head deadline, not the idle timeout")
            #expect(sent > 0)
        }
    }

    // MARK: Methods and parse errors

    @Test(arguments: ["FOO", "TRACK"])
    func anUnknownMethodIs501AndClosed(method: String) async throws {
        try await Self.run { port, _, _ in
            let (response, closed) = try await Self.exchange("\(method) /api/v1/tickets HTTP/1.1\r\nHost: x\r\n\r\n", port: port)
            Self.expectRefusal(response, 501, "method_not_implemented", closed: closed)
        }
    }

    @Test func aKnownMethodNoRouteTakesStaysTheRouters404() async throws {
        try await Self.run { port, _, _ in
            let (response, _) = try await Self.exchange(
                "TRACE /api/v1/tickets HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", port: port)
            #expect(response?.status == 404)
            #expect(response?.errorCode == "not_found")
        }
    }

    @Test(arguments: ["\u{1}\u{2}garbage\r\n\r\n", "GET / HTTP/1.1\r\nHost x\r\n\r\n", "GET /\u{7f} HTTP/9\r\n\r\n"])
    func aRequestThatIsNotHTTPIs400AndClosed(request: String) async throws {
        try await Self.run { port, _, _ in
            let (response, closed) = try await Self.exchange(request, port: port)
            Self.expectRefusal(response, 400, "bad_request", closed: closed)
        }
    }

    // MARK: Idle connections and bodies

    @Test func anIdleConnectionIsClosedBeforeAndBetweenRequests() async throws {
        try await Self.run({ $0.http.idleTimeoutSeconds = 1 }) { port, _, _ in
            // Never a byte: closed, with nothing written.
            let silent = try await RawConnection.open(port: port)
            defer { Task { await silent.close() } }
            #expect(await silent.waitForClose())
            #expect(silent.received.isEmpty)
            // One request, then silence: the response, then the close.
            let kept = try await RawConnection.open(port: port)
            defer { Task { await kept.close() } }
            try await kept.send("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
            let responses = await kept.responses(1)
            #expect(responses.first?.status == 200)
            #expect(responses.first?.header("Connection") != "close")
            #expect(await kept.waitForClose())
            #expect(RawResponse.parseAll(kept.received).count == 1)
        }
    }

    @Test func aBodyThatStopsArrivingIs408AndClosed() async throws {
        try await Self.run { port, _, _ in
            let (response, closed) = try await Self.exchange(
                "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"email\"",
                port: port)
            Self.expectRefusal(response, 408, "request_timeout", closed: closed)
        }
    }

    // MARK: The request cap

    @Test func theLastRequestOfAConnectionSaysCloseAndCloses() async throws {
        try await Self.run({ $0.http.maxRequestsPerConnection = 3 }) { port, _, _ in
            let request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
            let connection = try await RawConnection.open(port: port)
            defer { Task { await connection.close() } }
            for served in 1...3 {
                try await connection.send(request)
                let responses = await connection.responses(served)
                try #require(responses.count == served)
                #expect(responses[served - 1].status == 200)
                #expect((responses[served - 1].header("Connection") == "close") == (served == 3), "response \(served)")
            }
            #expect(await connection.waitForClose())

            // Pipelined past the cap: three answers, then the close.
            let pipelined = try await RawConnection.open(port: port)
            defer { Task { await pipelined.close() } }
            try await pipelined.send(String(repeating: request, count: 5))
            #expect(await pipelined.waitForClose())
            let answers = RawResponse.parseAll(pipelined.received)
            #expect(answers.map(\.status) == [200, 200, 200])
            #expect(answers.last?.header("Connection") == "close")
        }
    }

    // MARK: What must keep working

    @Test func requestsAndAWebSocketUpgradeWorkWithTheGuardInPlace() async throws {
        // 2 s, not 1: on a loaded machine the upgrade itself may take a second.
        try await Self.run({ $0.http.idleTimeoutSeconds = 2 }) { port, api, env in
            try await env.user("ada@example.test", role: .agent)
            let session = try await api.login("ada@example.test")
            #expect(try await api.get("/api/v1/auth/me", bearer: session.accessToken).status == .ok)

            // The upgrade request and a first frame in one write: the frame reaches the WebSocket.
            let connection = try await RawConnection.open(port: port)
            defer { Task { await connection.close() } }
            let upgrade =
                "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                + "Sec-WebSocket-Protocol: tandem.v1\r\nAuthorization: Bearer \(session.accessToken)\r\n\r\n"
            try await connection.send(Array(upgrade.utf8) + WebSocketFrames.maskedText(#"{"type":"ping","ref":"p1"}"#))
            let switched = await connection.responses(1).first
            #expect(switched?.status == 101)
            #expect(await waitUntil { WebSocketFrames.texts(connection.received).contains { $0.contains(#""ref":"p1""#) } })

            // Past the head deadline and the idle timeout (2 s each) the connection is still open
            // and still answers: the guard left with the 101.
            try await Task.sleep(for: .seconds(5))
            #expect(!connection.closedByServer)
            try await connection.send(WebSocketFrames.maskedText(#"{"type":"ping","ref":"p2"}"#))
            #expect(await waitUntil { WebSocketFrames.texts(connection.received).contains { $0.contains(#""ref":"p2""#) } })
        }
    }
}

/// Just enough of RFC 6455 framing for these tests.
enum WebSocketFrames {
    /// A masked client text frame (payloads under 126 bytes).
    static func maskedText(_ text: String) -> [UInt8] {
        let payload = Array(text.utf8)
        precondition(payload.count < 126)
        let mask: [UInt8] = [0x12, 0x34, 0x56, 0x78]
        return [0x81, 0x80 | UInt8(payload.count)] + mask + payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
    }

    /// The text frames the server sent after the `101` head in `bytes` (unmasked, unfragmented).
    static func texts(_ bytes: [UInt8]) -> [String] {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return [] }
        var index = end + separator.count
        var texts: [String] = []
        while index + 2 <= bytes.count {
            let opcode = bytes[index] & 0x0f
            var length = Int(bytes[index + 1] & 0x7f)
            var start = index + 2
            if length == 126 {
                guard start + 2 <= bytes.count else { break }
                length = Int(bytes[start]) << 8 | Int(bytes[start + 1])
                start += 2
            } else if length == 127 {
                guard start + 8 <= bytes.count else { break }
                length = bytes[start..<(start + 8)].reduce(0) { $0 << 8 | Int($1) }
                start += 8
            }
            guard start + length <= bytes.count else { break }
            if opcode == 1 { texts.append(String(decoding: bytes[start..<(start + length)], as: UTF8.self)) }
            index = start + length
        }
        return texts
    }
}
