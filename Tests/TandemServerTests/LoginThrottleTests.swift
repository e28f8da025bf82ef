// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import HummingbirdTesting
import NIOCore
import TandemCore
import Testing

@testable import TandemServer

/// Failed logins are throttled per account and per client address, with a clear 429.
@Suite struct LoginThrottleTests {
    /// Small limits: 3 failures per account, 6 per address, over 60 s.
    static func environment() async throws -> TestEnvironment {
        try await TestEnvironment.make {
            $0.auth.maxFailedLoginsPerAccount = 3
            $0.auth.maxFailedLoginsPerAddress = 6
            $0.auth.failedLoginWindowSeconds = 60
        }
    }

    private func fail(_ api: APIClient, _ email: String) async throws {
        let response = try await api.post("/api/v1/auth/login", ["email": email, "password": "not-the-password-1"])
        expectError(response, .unauthorized, "invalid_credentials")
    }

    @Test func accountIsThrottledAfterNFailuresWithRetryAfter() async throws {
        let env = try await Self.environment()
        try await env.user("ada@example.com")
        try await env.run { api in
            for _ in 0..<3 { try await fail(api, "ada@example.com") }
            // Even the right password is refused now, without a password check.
            let blocked = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword])
            expectError(blocked, .tooManyRequests, "too_many_attempts")
            #expect(blocked.headers[.retryAfter] == "60")
            #expect(blocked.errorMessage?.contains("60 seconds") == true)

            // The account key ignores case and surrounding space.
            let variant = try await api.post("/api/v1/auth/login", ["email": " ADA@example.com", "password": goodPassword])
            expectError(variant, .tooManyRequests, "too_many_attempts")

            env.clock.advance(seconds: 45)
            let later = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword])
            expectError(later, .tooManyRequests, "too_many_attempts")
            #expect(later.headers[.retryAfter] == "15")
        }
    }

    @Test func windowExpiryLetsTheUserInAgain() async throws {
        let env = try await Self.environment()
        try await env.user("ada@example.com")
        try await env.run { api in
            for _ in 0..<3 { try await fail(api, "ada@example.com") }
            expectError(
                try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword]),
                .tooManyRequests, "too_many_attempts")
            env.clock.advance(seconds: 61)
            _ = try await api.login("ada@example.com")
        }
    }

    @Test func theWindowSlides() async throws {
        let env = try await Self.environment()
        try await env.user("ada@example.com")
        try await env.run { api in
            try await fail(api, "ada@example.com")
            env.clock.advance(seconds: 40)
            try await fail(api, "ada@example.com")
            try await fail(api, "ada@example.com")
            expectError(
                try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword]),
                .tooManyRequests, "too_many_attempts")
            // 21 s later the first failure has left the window: two remain, below the limit.
            env.clock.advance(seconds: 21)
            try await fail(api, "ada@example.com")
            expectError(
                try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword]),
                .tooManyRequests, "too_many_attempts")
        }
    }

    @Test func successResetsTheAccountCounter() async throws {
        let env = try await Self.environment()
        try await env.user("ada@example.com")
        try await env.run { api in
            try await fail(api, "ada@example.com")
            try await fail(api, "ada@example.com")
            _ = try await api.login("ada@example.com")
            try await fail(api, "ada@example.com")
            try await fail(api, "ada@example.com")
            // Four failures in the window, but only two since the last success.
            _ = try await api.login("ada@example.com")
        }
    }

    @Test func otherAccountsAreNotAffectedByOneAccountsLock() async throws {
        let env = try await Self.environment()
        try await env.user("ada@example.com")
        try await env.user("bob@example.com")
        try await env.run { api in
            for _ in 0..<3 { try await fail(api, "ada@example.com") }
            _ = try await api.login("bob@example.com")
        }
    }

    @Test func addressIsThrottledAcrossDifferentAccounts() async throws {
        let env = try await Self.environment()
        try await env.user("victim@example.com")
        try await env.run { api in
            // A password spray: one guess each against six accounts (most do not exist) from one address.
            for index in 0..<6 { try await fail(api, "user\(index)@example.com") }
            let next = try await api.post(
                "/api/v1/auth/login", ["email": "victim@example.com", "password": goodPassword])
            expectError(next, .tooManyRequests, "too_many_attempts")
            #expect(next.headers[.retryAfter] == "60")
            // Success does not reset the address counter.
            env.clock.advance(seconds: 61)
            _ = try await api.login("victim@example.com")
        }
    }

    @Test func signUpIsNotThrottledByFailedLogins() async throws {
        let env = try await Self.environment()
        try await env.run { api in
            for index in 0..<6 { try await fail(api, "ghost\(index)@example.com") }
            expectError(
                try await api.post("/api/v1/auth/login", ["email": "ghost@example.com", "password": goodPassword]),
                .tooManyRequests, "too_many_attempts")
            let signup = try await api.post("/api/v1/auth/signup", ["email": "new@example.com", "name": "New"])
            #expect(signup.status == .accepted)
        }
    }

    @Test func concurrentGuessesCannotOutrunTheLimit() async throws {
        // Twelve guesses at once, each on its own connection: the check and the count must be one
        // step, or every guess passes the check while the first ones are still being verified.
        let env = try await TestEnvironment.make {
            $0.auth.maxFailedLoginsPerAccount = 3
            $0.auth.maxFailedLoginsPerAddress = 1000
            $0.auth.bcryptCost = 10  // slow enough that the guesses overlap
        }
        try await env.user("ada@example.com")
        try await env.run { api in
            let port = try #require(api.client.port)
            let statuses = try await withThrowingTaskGroup(of: HTTPResponse.Status.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        try await TestClient.withClient(host: "localhost", port: port) { client in
                            let body = #"{"email":"ada@example.com","password":"guess-number-\#(index)"}"#
                            return try await client.post(
                                "/api/v1/auth/login", headers: [.contentType: "application/json"],
                                body: ByteBuffer(string: body)
                            ).status
                        }
                    }
                }
                return try await group.reduce(into: [HTTPResponse.Status]()) { $0.append($1) }
            }
            #expect(statuses.count == 12)
            #expect(statuses.filter { $0 == .unauthorized }.count <= 3, "\(statuses)")
            #expect(statuses.filter { $0 == .tooManyRequests }.count >= 9, "\(statuses)")
        }
    }

    @Test func withoutAPeerAddressOnlyTheAccountCounts() async throws {
        // In-process (no socket), requests have no address: the account limit still applies.
        let env = try await Self.environment()
        try await env.user("ada@example.com")
        try await env.run(.router) { api in
            for index in 0..<8 { try await fail(api, "user\(index)@example.com") }
            for _ in 0..<3 { try await fail(api, "ada@example.com") }
            expectError(
                try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword]),
                .tooManyRequests, "too_many_attempts")
        }
    }

    // MARK: The throttle alone

    @Test func throttleCountsAndForgets() async {
        let throttle = InMemoryLoginThrottle(maxPerAccount: 2, maxPerAddress: 3, windowSeconds: 10)
        let t0 = Timestamp(millisecondsSince1970: 1_000_000)
        #expect(await throttle.retryAfter(account: "a", address: "1.2.3.4", now: t0) == nil)
        await throttle.recordFailure(account: "a", address: "1.2.3.4", now: t0)
        #expect(await throttle.retryAfter(account: "a", address: "1.2.3.4", now: t0) == nil)
        await throttle.recordFailure(account: "a", address: "1.2.3.4", now: t0.adding(milliseconds: 500))
        #expect(await throttle.retryAfter(account: "a", address: "1.2.3.4", now: t0.adding(seconds: 1)) == 9)
        // Rounds up: never 0.
        #expect(await throttle.retryAfter(account: "a", address: nil, now: t0.adding(milliseconds: 9_999)) == 1)
        #expect(await throttle.retryAfter(account: "a", address: nil, now: t0.adding(seconds: 10)) == nil)
        await throttle.recordFailure(account: "b", address: "1.2.3.4", now: t0.adding(seconds: 1))
        #expect(await throttle.retryAfter(account: "c", address: "1.2.3.4", now: t0.adding(seconds: 2)) == 8)
        #expect(await throttle.retryAfter(account: "c", address: "5.6.7.8", now: t0.adding(seconds: 2)) == nil)
        await throttle.recordFailure(account: "a", address: nil, now: t0.adding(milliseconds: 1500))
        #expect(await throttle.retryAfter(account: "a", address: nil, now: t0.adding(seconds: 2)) == 9)
        await throttle.recordSuccess(account: "a", address: nil, attemptedAt: t0.adding(seconds: 2))
        #expect(await throttle.retryAfter(account: "a", address: nil, now: t0.adding(seconds: 2)) == nil)
    }

    @Test func beginAttemptChecksAndCountsInOneStep() async {
        let throttle = InMemoryLoginThrottle(maxPerAccount: 2, maxPerAddress: 3, windowSeconds: 10)
        let t0 = Timestamp(millisecondsSince1970: 5_000_000)
        #expect(await throttle.beginAttempt(account: "a", address: "ip", now: t0) == nil)
        #expect(await throttle.beginAttempt(account: "a", address: "ip", now: t0) == nil)
        #expect(await throttle.beginAttempt(account: "a", address: "ip", now: t0) == 10)
        // A refused attempt is not counted: the address has two, so another account may try once more.
        #expect(await throttle.beginAttempt(account: "b", address: "ip", now: t0) == nil)
        #expect(await throttle.beginAttempt(account: "c", address: "ip", now: t0) == 10)
        // A success takes its own attempt back from the address and clears the account.
        await throttle.recordSuccess(account: "b", address: "ip", attemptedAt: t0)
        #expect(await throttle.beginAttempt(account: "b", address: "ip", now: t0) == nil)
        await throttle.recordSuccess(account: "b", address: "ip", attemptedAt: t0)
        await throttle.recordSuccess(account: "a", address: "ip", attemptedAt: t0)
        #expect(await throttle.retryAfter(account: "a", address: "ip", now: t0) == nil)
    }
}
