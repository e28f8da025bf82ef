// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import HummingbirdTesting
import TandemCore
import Testing

@testable import TandemServer

/// Every place that checks a secret is throttled like the login, and no one can end
/// another person's session with a made-up token.
@Suite struct AuthGuessingTests {
    private static func environment() async throws -> TestEnvironment {
        try await LoginThrottleTests.environment()
    }

    @Test func wrongCurrentPasswordsAreThrottledWithTheLogin() async throws {
        let env = try await Self.environment()
        try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            for index in 0..<3 {
                let wrong = try await api.post(
                    "/api/v1/auth/password",
                    ["currentPassword": "guess-number-\(index)", "newPassword": "a-brand-new-passphrase-9"],
                    bearer: session.accessToken)
                expectError(wrong, .unprocessableContent, "invalid_credentials", field: "currentPassword")
            }
            // The fourth guess is refused before any check, the right password included...
            let blocked = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": "a-brand-new-passphrase-9"],
                bearer: session.accessToken)
            expectError(blocked, .tooManyRequests, "too_many_attempts")
            #expect(blocked.headers[.retryAfter] == "60")
            // ...and the account's login is locked too: the guesses counted against it.
            expectError(
                try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword]),
                .tooManyRequests, "too_many_attempts")
            env.clock.advance(seconds: 61)
            let changed = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": "a-brand-new-passphrase-9"],
                bearer: session.accessToken)
            #expect(changed.status == .noContent, "\(changed.bodyText)")
        }
    }

    @Test func signUpIsThrottledPerTargetAddress() async throws {
        let env = try await Self.environment()
        try await env.user("taken@example.com")
        try await env.run { api in
            for _ in 0..<3 {
                let answered = try await api.post("/api/v1/auth/signup", ["email": "TAKEN@example.com", "name": "Probe"])
                #expect(answered.status == .accepted, "\(answered.bodyText)")
            }
            let blocked = try await api.post("/api/v1/auth/signup", ["email": "taken@example.com", "name": "Probe"])
            expectError(blocked, .tooManyRequests, "too_many_attempts")
            #expect(blocked.headers[.retryAfter] == "60")
            // The owner was told three times, no more.
            #expect(try await env.outbox(to: "taken@example.com").count == 3)
            // A free address is still open from the same source (below the source's limit).
            let other = try await api.post("/api/v1/auth/signup", ["email": "fresh@example.com", "name": "Fresh"])
            #expect(other.status == .accepted, "\(other.bodyText)")
        }
    }

    @Test func signUpIsThrottledPerSourceAddress() async throws {
        let env = try await Self.environment()
        try await env.run { api in
            // Six attempts from one address, new or not, then the source must wait.
            for index in 0..<6 {
                let created = try await api.post("/api/v1/auth/signup", ["email": "bulk\(index)@example.com", "name": "Bulk"])
                #expect(created.status == .accepted, "\(created.bodyText)")
            }
            let blocked = try await api.post("/api/v1/auth/signup", ["email": "bulk6@example.com", "name": "Bulk"])
            expectError(blocked, .tooManyRequests, "too_many_attempts")
            #expect(try await env.outbox(to: "bulk6@example.com").isEmpty)
            // Sign-ups and logins are counted apart: a link from before still confirms, and the
            // login form still works from there.
            let confirmed = try await env.confirmSignUp(api, email: "bulk0@example.com", password: goodPassword)
            #expect(confirmed.status == .created, "\(confirmed.bodyText)")
            _ = try await api.login("bulk0@example.com")
        }
    }

    @Test func aMadeUpSecretNamingASessionDoesNotRevokeIt() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            let sessionID = try #require(session.refreshToken.split(separator: ".").first).description
            // The session id is readable in every access token; a secret of any shape next to it
            // must not end the session.
            let forged = [
                "\(sessionID).anything", "\(sessionID).\(String(repeating: "A", count: 64))",
                "\(sessionID).\(String(repeating: "_", count: 43))",
            ]
            for token in forged {
                expectError(
                    try await api.post("/api/v1/auth/refresh", ["refreshToken": token]), .unauthorized,
                    "invalid_refresh_token")
            }
            #expect(try await api.get("/api/v1/auth/me", bearer: session.accessToken).status == .ok)
            let refreshed = try await api.post("/api/v1/auth/refresh", ["refreshToken": session.refreshToken])
            #expect(refreshed.status == .ok, "the real token still works: \(refreshed.bodyText)")
            // A token really issued for the session and since rotated still revokes it.
            expectError(
                try await api.post("/api/v1/auth/refresh", ["refreshToken": session.refreshToken]), .unauthorized,
                "invalid_refresh_token")
            let rotated = try TokenSession(refreshed)
            expectError(try await api.get("/api/v1/auth/me", bearer: rotated.accessToken), .unauthorized, "invalid_token")
        }
    }

    @Test func aTokenSealedForAnotherSessionDoesNotRevokeThisOne() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.user("eve@example.com")
        try await env.run { api in
            let ada = try await api.login("ada@example.com")
            let eve = try await api.login("eve@example.com")
            let adaSession = try #require(ada.refreshToken.split(separator: ".").first).description
            let eveSecret = try #require(eve.refreshToken.split(separator: ".").last).description
            expectError(
                try await api.post("/api/v1/auth/refresh", ["refreshToken": "\(adaSession).\(eveSecret)"]),
                .unauthorized, "invalid_refresh_token")
            #expect(try await api.get("/api/v1/auth/me", bearer: ada.accessToken).status == .ok)
        }
    }

    @Test func changingOnesOwnEmailNeedsTheCurrentPassword() async throws {
        let env = try await Self.environment()
        try await env.user("ada@example.com")
        try await env.user("root@example.com", role: .admin)
        try await env.run { api in
            let ada = try await api.login("ada@example.com")
            let path = "/api/v1/users/\(ada.userID)"
            expectError(
                try await api.patch(path, ["email": "ada@evil.example"], bearer: ada.accessToken), .unprocessableContent,
                "required", field: "currentPassword")
            expectError(
                try await api.patch(
                    path, ["email": "ada@evil.example", "currentPassword": "wrong-guess-1"], bearer: ada.accessToken),
                .unprocessableContent, "invalid_credentials", field: "currentPassword")
            // The same address again, in another case, is no change: no password needed.
            let same = try await api.patch(path, ["email": "ADA@example.com", "name": "Ada L."], bearer: ada.accessToken)
            #expect(same.status == .ok, "\(same.bodyText)")
            let changed = try await api.patch(
                path, ["email": "ada@new.example", "currentPassword": goodPassword], bearer: ada.accessToken)
            #expect(changed.status == .ok, "\(changed.bodyText)")
            #expect(try changed.json()["email"] as? String == "ada@new.example")
            // Wrong guesses here count with the login's: three and the account is locked.
            for _ in 0..<3 {
                _ = try await api.patch(
                    path, ["email": "x@evil.example", "currentPassword": "wrong-guess-2"], bearer: ada.accessToken)
            }
            expectError(
                try await api.patch(path, ["email": "x@evil.example", "currentPassword": goodPassword], bearer: ada.accessToken),
                .tooManyRequests, "too_many_attempts")
            // An admin changing someone else's address acts on its own authority.
            let root = try await api.login("root@example.com")
            let byAdmin = try await api.patch(path, ["email": "ada@admin-set.example"], bearer: root.accessToken)
            #expect(byAdmin.status == .ok, "\(byAdmin.bodyText)")
        }
    }
}
