// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import HummingbirdTesting
import JWTKit
import TandemCore
import Testing

@testable import TandemServer

/// Access tokens: every forged, stale or misdirected token is a 401 `invalid_token`.
@Suite struct AccessTokenTests {
    /// A live session of Ada's, its access token, and a configuration to forge against.
    private struct Fixture: Sendable {
        var env: TestEnvironment
        var userID: UserID
    }

    private func fixture(_ configure: (inout TandemConfiguration) -> Void) async throws -> Fixture {
        let env = try await TestEnvironment.make(configure)
        let ada = try await env.user("ada@example.com")
        return Fixture(env: env, userID: ada.id)
    }

    /// Logs in, builds a bad token from the good one, and expects it refused while the good one works.
    private func expectRefused(
        configure: (inout TandemConfiguration) -> Void = { _ in }, sourceLocation: SourceLocation = #_sourceLocation,
        _ forge:
            @escaping @Sendable (_ good: String, _ session: SessionID, _ config: TandemConfiguration, _ user: UserID)
            async throws -> String
    ) async throws {
        let fixture = try await fixture(configure)
        let config = fixture.env.configuration
        try await fixture.env.run { api in
            let session = try await api.login("ada@example.com")
            let sessionID = try #require(session.refreshToken.split(separator: ".").first).description
            let bad = try await forge(session.accessToken, SessionID(sessionID), config, fixture.userID)
            #expect(bad != session.accessToken, sourceLocation: sourceLocation)
            let response = try await api.get("/api/v1/auth/me", bearer: bad)
            expectError(response, .unauthorized, "invalid_token", sourceLocation: sourceLocation)
            #expect(
                try await api.get("/api/v1/auth/me", bearer: session.accessToken).status == .ok,
                sourceLocation: sourceLocation)
        }
    }

    @Test func tamperedSignature() async throws {
        try await expectRefused { good, _, _, _ in
            var parts = good.split(separator: ".").map(String.init)
            var signature = Array(parts[2])
            // Flip a character in the middle (the last one may only carry padding bits).
            signature[10] = signature[10] == "A" ? "B" : "A"
            parts[2] = String(signature)
            return parts.joined(separator: ".")
        }
    }

    @Test func tamperedPayloadKeepingTheSignature() async throws {
        try await expectRefused { good, _, _, _ in
            var parts = good.split(separator: ".").map(String.init)
            let payload = try #require(Base64URL.decode(parts[1]))
            var claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
            claims["exp"] = (claims["exp"] as? Double ?? 0) + 86_400
            parts[1] = Base64URL.encode(try JSONSerialization.data(withJSONObject: claims))
            return parts.joined(separator: ".")
        }
    }

    @Test func algNoneIsRefused() async throws {
        try await expectRefused { good, _, config, _ in
            let parts = good.split(separator: ".").map(String.init)
            let header = #"{"alg":"none","typ":"JWT","kid":"\#(config.auth.jwtKeyID)"}"#
            return Base64URL.encode(Data(header.utf8)) + "." + parts[1] + "."
        }
    }

    @Test func anotherAlgorithmWithTheSameSecretIsRefused() async throws {
        // HS512 wants a key of at least 64 bytes (jwt-kit asserts it in debug builds).
        let longSecret = String(repeating: "0123456789abcdef", count: 5)
        try await expectRefused(configure: { $0.auth.jwtSecret = longSecret }) { _, session, config, user in
            let keys = JWTKeyCollection()
            await keys.add(
                hmac: HMACKey(from: config.auth.jwtSecret), digestAlgorithm: .sha512,
                kid: JWKIdentifier(string: config.auth.jwtKeyID))
            return try await keys.sign(Self.claims(user, session, config), kid: JWKIdentifier(string: config.auth.jwtKeyID))
        }
    }

    @Test func anotherSecretIsRefused() async throws {
        try await expectRefused { _, session, config, user in
            let tokens = await TokenService(
                secret: "a-completely-different-secret-0123456789", keyID: config.auth.jwtKeyID,
                issuer: config.auth.issuer, audience: config.auth.audience, accessTokenSeconds: 900)
            return try await tokens.issue(user: user, session: session)
        }
    }

    @Test func anotherKeyIDIsRefused() async throws {
        try await expectRefused { _, session, config, user in
            let tokens = await TokenService(
                secret: config.auth.jwtSecret, keyID: "k2", issuer: config.auth.issuer,
                audience: config.auth.audience, accessTokenSeconds: 900)
            return try await tokens.issue(user: user, session: session)
        }
    }

    @Test func aMissingKeyIDIsRefused() async throws {
        try await expectRefused { _, session, config, user in
            let keys = JWTKeyCollection()
            await keys.add(hmac: HMACKey(from: config.auth.jwtSecret), digestAlgorithm: .sha256)
            return try await keys.sign(Self.claims(user, session, config))
        }
    }

    @Test func expiredTokenIsRefused() async throws {
        try await expectRefused { _, session, config, user in
            let tokens = await Self.tokens(config)
            return try await tokens.issue(user: user, session: session, now: Date().addingTimeInterval(-3600))
        }
    }

    @Test func notYetValidTokenIsRefused() async throws {
        try await expectRefused { _, session, config, user in
            let tokens = await Self.tokens(config)
            return try await tokens.issue(user: user, session: session, now: Date().addingTimeInterval(3600))
        }
    }

    @Test func shortLivedTokenExpiresOnTheWire() async throws {
        // Three seconds leaves room for a loaded machine between the login and the
        // first use; the wait is computed from the token's own `exp`, not guessed.
        let env = try await TestEnvironment.make { $0.auth.accessTokenSeconds = 3 }
        try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            #expect(try await api.get("/api/v1/auth/me", bearer: session.accessToken).status == .ok)
            let expiry = try Self.expiry(of: session.accessToken)
            let wait = expiry.timeIntervalSinceNow + 1.2
            if wait > 0 { try await Task.sleep(for: .milliseconds(Int(wait * 1000))) }
            expectError(try await api.get("/api/v1/auth/me", bearer: session.accessToken), .unauthorized, "invalid_token")
            // The session itself lives on: a refresh hands out a fresh token.
            let refreshed = try await api.post("/api/v1/auth/refresh", ["refreshToken": session.refreshToken])
            #expect(refreshed.status == .ok)
        }
    }

    /// The `exp` claim of a compact JWT, read without verifying it.
    static func expiry(of token: String) throws -> Date {
        let parts = token.split(separator: ".")
        try #require(parts.count == 3)
        var base64 = parts[1].replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        let data = try #require(Data(base64Encoded: base64))
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let exp = try #require(object["exp"] as? Double)
        return Date(timeIntervalSince1970: exp)
    }

    @Test func wrongAudienceIsRefused() async throws {
        try await expectRefused { _, session, config, user in
            let tokens = await TokenService(
                secret: config.auth.jwtSecret, keyID: config.auth.jwtKeyID, issuer: config.auth.issuer,
                audience: "someone-else", accessTokenSeconds: 900)
            return try await tokens.issue(user: user, session: session)
        }
    }

    @Test func wrongIssuerIsRefused() async throws {
        try await expectRefused { _, session, config, user in
            let tokens = await TokenService(
                secret: config.auth.jwtSecret, keyID: config.auth.jwtKeyID, issuer: "evil",
                audience: config.auth.audience, accessTokenSeconds: 900)
            return try await tokens.issue(user: user, session: session)
        }
    }

    @Test func anotherTokenTypeIsRefused() async throws {
        try await expectRefused { _, session, config, user in
            let keys = JWTKeyCollection()
            await keys.add(
                hmac: HMACKey(from: config.auth.jwtSecret), digestAlgorithm: .sha256,
                kid: JWKIdentifier(string: config.auth.jwtKeyID))
            var claims = Self.claims(user, session, config)
            claims.typ = "refresh"
            return try await keys.sign(claims, kid: JWKIdentifier(string: config.auth.jwtKeyID))
        }
    }

    @Test func aValidSignatureOverAnotherUsersSessionIsRefused() async throws {
        // Signed with the real key, naming Ada's live session but another user.
        try await expectRefused { _, session, config, _ in
            let tokens = await Self.tokens(config)
            return try await tokens.issue(user: UserID("usr_SOMEONEELSE0000000000000000"), session: session)
        }
    }

    @Test func aValidSignatureOverAnUnknownSessionIsRefused() async throws {
        try await expectRefused { _, _, config, user in
            let tokens = await Self.tokens(config)
            return try await tokens.issue(user: user, session: SessionID("ses_NOSUCHSESSION00000000000000"))
        }
    }

    @Test(arguments: ["Basic YWRhOnNlY3JldA==", "Token abc", "Bearer", "Bearer ", "Bearer not.a.jwt", "bearer", "abc"])
    func nonBearerOrMalformedAuthorizationIsRefused(header: String) async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let response = try await api.get("/api/v1/auth/me", headers: [.authorization: header])
            expectError(response, .unauthorized, "invalid_token")
        }
    }

    @Test func aBadAuthorizationHeaderIsNotRescuedByAGoodCookie() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let browser = try await api.loginWithCookies("ada@example.com")
            let response = try await api.get(
                "/api/v1/auth/me", cookies: browser, headers: [.authorization: "Basic YWRhOnNlY3JldA=="])
            expectError(response, .unauthorized, "invalid_token")
        }
    }

    @Test func schemeIsCaseInsensitive() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            let response = try await api.get(
                "/api/v1/auth/me", headers: [.authorization: "bearer \(session.accessToken)"])
            #expect(response.status == .ok)
        }
    }

    // MARK: Helpers

    private static func tokens(_ config: TandemConfiguration) async -> TokenService {
        await TokenService(
            secret: config.auth.jwtSecret, keyID: config.auth.jwtKeyID, issuer: config.auth.issuer,
            audience: config.auth.audience, accessTokenSeconds: config.auth.accessTokenSeconds)
    }

    private static func claims(_ user: UserID, _ session: SessionID, _ config: TandemConfiguration) -> AccessClaims {
        let now = Date()
        return AccessClaims(
            sub: .init(value: user.rawValue), sid: session.rawValue, iss: .init(value: config.auth.issuer),
            aud: .init(value: [config.auth.audience]), iat: .init(value: now), nbf: .init(value: now.addingTimeInterval(-1)),
            exp: .init(value: now.addingTimeInterval(600)), typ: "access")
    }
}

/// base64url without padding, as JWTs use.
enum Base64URL {
    static func encode(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func decode(_ text: String) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        return Data(base64Encoded: base64)
    }
}
