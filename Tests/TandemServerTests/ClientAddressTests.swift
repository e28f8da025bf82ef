// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import HummingbirdTesting
import Testing

@testable import TandemServer

/// Behind nginx every peer is the proxy; `http.trustedProxies` makes the forwarded
/// client count for login throttling, and only when the proxy is trusted.
@Suite struct ClientAddressTests {
    private static func environment(trusting proxies: [String]) async throws -> TestEnvironment {
        try await TestEnvironment.make {
            $0.auth.maxFailedLoginsPerAccount = 100
            $0.auth.maxFailedLoginsPerAddress = 3
            $0.http.trustedProxies = proxies
        }
    }

    private func attempt(
        _ api: APIClient, from client: String, email: String, password: String = "not-the-password-1"
    )
        async throws -> TestResponse
    {
        try await api.send(
            .post, "/api/v1/auth/login", json: ["email": email, "password": password],
            headers: [.xForwardedFor: client])
    }

    @Test func behindATrustedProxyEachForwardedClientIsThrottledOnItsOwn() async throws {
        let env = try await Self.environment(trusting: ["127.0.0.1", "::1"])
        try await env.user("ada@example.com")
        try await env.run { api in
            for index in 0..<3 {
                expectError(
                    try await attempt(api, from: "203.0.113.7", email: "nobody\(index)@example.com"), .unauthorized,
                    "invalid_credentials")
            }
            expectError(
                try await attempt(api, from: "203.0.113.7", email: "ada@example.com", password: goodPassword),
                .tooManyRequests, "too_many_attempts")
            // Another client behind the same proxy is not locked out by the first one's guesses.
            let other = try await attempt(api, from: "198.51.100.20", email: "ada@example.com", password: goodPassword)
            #expect(other.status == .ok)
            // A client-supplied entry left of the proxy's own is not believed: the rightmost counts.
            expectError(
                try await attempt(api, from: "198.51.100.20, 203.0.113.7", email: "ada@example.com", password: goodPassword),
                .tooManyRequests, "too_many_attempts")
        }
    }

    @Test func fromAnUntrustedPeerTheHeaderIsIgnored() async throws {
        let env = try await Self.environment(trusting: [])
        try await env.user("ada@example.com")
        try await env.run { api in
            // Rotating X-Forwarded-For does not escape the per-address limit.
            for index in 0..<3 {
                expectError(
                    try await attempt(api, from: "203.0.113.\(index)", email: "nobody\(index)@example.com"),
                    .unauthorized, "invalid_credentials")
            }
            expectError(
                try await attempt(api, from: "198.51.100.99", email: "ada@example.com", password: goodPassword),
                .tooManyRequests, "too_many_attempts")
        }
    }

    @Test func forwardedForParsing() {
        let trusted: Set = ["10.0.0.1"]
        #expect(ClientAddress.client(forwardedFor: ["203.0.113.7"], trusted: trusted) == "203.0.113.7")
        #expect(ClientAddress.client(forwardedFor: ["1.2.3.4, 203.0.113.7, 10.0.0.1"], trusted: trusted) == "203.0.113.7")
        #expect(ClientAddress.client(forwardedFor: ["1.2.3.4", "203.0.113.7"], trusted: trusted) == "203.0.113.7")
        #expect(ClientAddress.client(forwardedFor: ["10.0.0.1"], trusted: trusted) == nil)
        #expect(ClientAddress.client(forwardedFor: ["not-an-ip"], trusted: trusted) == nil)
        #expect(ClientAddress.client(forwardedFor: [" 2001:db8::1 "], trusted: trusted) == "2001:db8::1")
        #expect(ClientAddress.normalized("999.1.1.1") == nil)
    }
}
