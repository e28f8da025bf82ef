// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemTestSupport
import Testing

@testable import TandemServer

/// Which browser origins may open WebSockets, what a refused one is told, and what the log says.
@Suite struct OriginPolicyTests {
    @Test func loopbackBindAllowsItsNamesOnTheArrivalPortOnly() {
        let policy = OriginPolicy(configured: [], bindHost: "127.0.0.1")
        for origin in [
            "http://127.0.0.1:9000", "http://localhost:9000", "http://[::1]:9000", "https://localhost:9000",
            "http://LOCALHOST:9000",
        ] {
            #expect(policy.allows(origin: origin, host: "whatever", localPort: 9000), "\(origin)")
        }
        for origin in [
            "http://localhost:8080", "http://localhost", "http://evil.example:9000", "null", "http://127.0.0.1:9000/x", "file://",
        ] {
            #expect(!policy.allows(origin: origin, host: "localhost:9000", localPort: 9000), "\(origin)")
        }
        // DNS rebinding: a page of another site whose name points here sends its own Host; not enough.
        #expect(!policy.allows(origin: "http://rebind.example:9000", host: "rebind.example:9000", localPort: 9000))
        // Not a browser: no Origin, or a client library's ws:// one.
        #expect(policy.allows(origin: nil, host: nil, localPort: 9000))
        #expect(policy.allows(origin: "ws://127.0.0.1:9000", host: nil, localPort: 9000))
        #expect(OriginPolicy(configured: [], bindHost: "::1").allows(origin: "http://[::1]:7000", host: nil, localPort: 7000))
        #expect(
            OriginPolicy(configured: [], bindHost: "localhost").allows(
                origin: "http://127.0.0.1:7000", host: nil, localPort: 7000))
    }

    @Test func otherBindsAllowTheSameOriginAsTheHostHeader() {
        let wildcard = OriginPolicy(configured: [], bindHost: "0.0.0.0")
        #expect(wildcard.allows(origin: "http://desk.lan:9000", host: "desk.lan:9000", localPort: 9000))
        #expect(wildcard.allows(origin: "https://desk.example.com", host: "desk.example.com", localPort: 9000))
        #expect(wildcard.allows(origin: "http://[fe80::1]:9000", host: "[fe80::1]:9000", localPort: 9000))
        #expect(!wildcard.allows(origin: "https://evil.example", host: "desk.example.com", localPort: 9000))
        #expect(!wildcard.allows(origin: "http://desk.lan:9001", host: "desk.lan:9000", localPort: 9000))
        #expect(!wildcard.allows(origin: "http://desk.lan:9000", host: nil, localPort: 9000))
        let named = OriginPolicy(configured: [], bindHost: "10.0.0.5")
        #expect(named.allows(origin: "http://10.0.0.5:9000", host: nil, localPort: 9000))
        #expect(!named.allows(origin: "http://10.0.0.6:9000", host: "10.0.0.5:9000", localPort: 9000))
    }

    @Test func aConfiguredListIsExact() {
        let policy = OriginPolicy(configured: ["https://desk.example.com"], bindHost: "127.0.0.1")
        #expect(policy.allows(origin: "https://desk.example.com", host: "x", localPort: 8080))
        #expect(!policy.allows(origin: "http://localhost:8080", host: "localhost:8080", localPort: 8080))
        #expect(!policy.allows(origin: "https://desk.example.com:443", host: "desk.example.com", localPort: 8080))
    }

    @Test func refusalsAreLoggedOncePerOriginPerIntervalWithACount() {
        let log = OriginRefusalLog(interval: .seconds(60), capacity: 2)
        let start = ContinuousClock.now
        #expect(log.record("http://a", now: start) == .init(count: 1, untracked: 0))
        #expect(log.record("http://a", now: start + .seconds(1)) == nil)
        #expect(log.record("http://a", now: start + .seconds(2)) == nil)
        #expect(log.record("http://b", now: start + .seconds(3)) == .init(count: 1, untracked: 0))
        // Full: a third origin is counted, not logged, until a slot frees.
        #expect(log.record("http://c", now: start + .seconds(4)) == nil)
        // A minute on: a's line reports its three refusals since the last line, and the untracked one.
        #expect(log.record("http://a", now: start + .seconds(61)) == .init(count: 3, untracked: 1))
        #expect(log.record("http://a", now: start + .seconds(62)) == nil)
        // b's slot has expired: c takes it.
        #expect(log.record("http://c", now: start + .seconds(70)) == .init(count: 1, untracked: 0))
    }

    @Test func defaultsAcceptTheServersOwnOriginsOnARandomPortAndRefuseOthersTyped() async throws {
        let logs = LogRecorder()
        let env = try await TestEnvironment.make(logs: logs)
        try await env.run { api in
            let port = try #require(api.port)
            #expect(port != 8080)
            for origin in ["http://127.0.0.1:\(port)", "http://localhost:\(port)", "http://[::1]:\(port)"] {
                let accepted = try await webSocketUpgrade(port: port, origin: origin)
                #expect(accepted.status == .switchingProtocols, "\(origin): \(accepted.status)")
            }
            for origin in ["http://localhost:8080", "https://evil.example.test"] {
                let refused = try await webSocketUpgrade(port: port, origin: origin)
                #expect(refused.status == .forbidden, "\(origin): \(refused.status)")
                #expect(refused.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = try #require(
                    try JSONSerialization.jsonObject(with: Data(buffer: refused.body ?? ByteBuffer()))
                        as? [String: [String: String]])
                #expect(body["error"]?["code"] == "origin_not_allowed")
                #expect(body["error"]?["message"]?.contains("http.allowedOrigins") == true, "\(body)")
                #expect(body["error"]?["message"]?.contains(origin) == true, "\(body)")
            }
            // The same foreign origin again within the minute: refused, not logged again.
            _ = try await webSocketUpgrade(port: port, origin: "https://evil.example.test")
            let lines = logs.all.filter { $0.contains("refused a WebSocket from origin") }
            #expect(lines.count == 2, "\(lines)")
            let evil = try #require(lines.first { $0.contains("origin=https://evil.example.test") })
            #expect(evil.contains("warning") && evil.contains("http.allowedOrigins") && evil.contains("refusals=1"), "\(evil)")

            // What the web client asks after a failed handshake (browsers hide the answer above).
            let ok = try await api.send(.post, "/api/v1/live/origin", headers: [.origin: "http://localhost:\(port)"])
            #expect(ok.status == .ok)
            #expect(try ok.json()["allowed"] as? Bool == true)
            let no = try await api.send(.post, "/api/v1/live/origin", headers: [.origin: "https://evil.example.test"])
            expectError(no, .forbidden, "origin_not_allowed")
            let plain = try await api.get("/ws", headers: [.origin: "https://evil.example.test"])
            expectError(plain, .forbidden, "origin_not_allowed")
        }
    }

    @Test func aWildcardBindAcceptsTheOriginOfTheHostItWasReachedBy() async throws {
        let env = try await TestEnvironment.make { $0.http.host = "0.0.0.0" }
        try await env.run { api in
            let port = try #require(api.port)
            let same = try await webSocketUpgrade(port: port, origin: "http://desk.lan:\(port)", authority: "desk.lan:\(port)")
            #expect(same.status == .switchingProtocols, "\(same.status)")
            let cross = try await webSocketUpgrade(port: port, origin: "https://evil.example.test", authority: "desk.lan:\(port)")
            #expect(cross.status == .forbidden, "\(cross.status)")
        }
    }
}
