// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation
import JWTKit
import TandemCore

/// The claims of a Tandem access token. Short-lived; names a server-side
/// session (`sid`) so that revoking the session refuses the token at once.
struct AccessClaims: JWTPayload {
    var sub: SubjectClaim
    var sid: String
    var iss: IssuerClaim
    var aud: AudienceClaim
    var iat: IssuedAtClaim
    var nbf: NotBeforeClaim
    var exp: ExpirationClaim
    /// Token type; always `access`, so that no other token kind can pass as one.
    var typ: String

    func verify(using algorithm: some JWTAlgorithm) async throws {
        try exp.verifyNotExpired()
        try nbf.verifyNotBefore()
    }
}

/// Issues and verifies access tokens: HS256 only, with a key id, checking
/// `exp`, `nbf`, `iss`, `aud` and the token type.
public struct TokenService: Sendable {
    private let keys: JWTKeyCollection
    private let keyID: String
    private let issuer: String
    private let audience: String
    /// Lifetime of an access token.
    public let accessTokenLifetime: Int
    /// Seals refresh tokens and session cookies (``SecretToken``); derived from the same secret,
    /// so every node of a cluster recognises every node's tokens.
    let sessionTokenKey: SymmetricKey

    public init(secret: String, keyID: String, issuer: String, audience: String, accessTokenSeconds: Int) async {
        let keys = JWTKeyCollection()
        await keys.add(hmac: HMACKey(from: secret), digestAlgorithm: .sha256, kid: JWKIdentifier(string: keyID))
        self.keys = keys
        self.keyID = keyID
        self.issuer = issuer
        self.audience = audience
        self.accessTokenLifetime = accessTokenSeconds
        self.sessionTokenKey = DerivedKey.from(secret, purpose: "tandem session token seal v1")
    }

    /// Signs a token for `user` in `session`.
    public func issue(user: UserID, session: SessionID, now: Date = Date()) async throws -> String {
        let claims = AccessClaims(
            sub: .init(value: user.rawValue), sid: session.rawValue, iss: .init(value: issuer),
            aud: .init(value: [audience]), iat: .init(value: now), nbf: .init(value: now.addingTimeInterval(-1)),
            exp: .init(value: now.addingTimeInterval(TimeInterval(accessTokenLifetime))), typ: "access")
        return try await keys.sign(claims, kid: JWKIdentifier(string: keyID))
    }

    /// The verified user and session named by `token`, or `nil` for any token that is
    /// malformed, signed with another algorithm or key, expired, not yet valid, or
    /// meant for another issuer, audience or purpose.
    public func verify(_ token: String) async -> (user: UserID, session: SessionID)? {
        guard let header = Self.header(of: token), header.alg == "HS256", header.kid == keyID else { return nil }
        guard let claims = try? await keys.verify(token, as: AccessClaims.self) else { return nil }
        guard claims.typ == "access", claims.iss.value == issuer, claims.aud.value.contains(audience) else {
            return nil
        }
        return (UserID(claims.sub.value), SessionID(claims.sid))
    }

    private struct Header: Decodable {
        var alg: String
        var kid: String?
    }

    /// Reads the unverified JOSE header to enforce the algorithm allowlist before verifying.
    private static func header(of token: String) -> Header? {
        guard let first = token.split(separator: ".", omittingEmptySubsequences: false).first else { return nil }
        var base64 = first.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.count % 4 != 0 { base64.append("=") }
        guard let data = Data(base64Encoded: base64) else { return nil }
        return try? JSONDecoder().decode(Header.self, from: data)
    }
}
