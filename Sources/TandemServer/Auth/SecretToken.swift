// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation
import TandemCore
import TandemStore

/// An opaque bearer secret bound to a session: `<session id>.<secret>`.
/// Used as the refresh token and as the browser session cookie. Only its
/// SHA-256 is stored, so a leaked database does not leak live tokens.
///
/// A secret issued here is sealed: 32 random bytes followed by a 16-byte HMAC-SHA256 of the
/// session id and those bytes under the server's session-token key, base64url. The seal
/// proves that a secret which no longer matches its session was really issued for it (a
/// rotated refresh token coming back, which revokes the session), while a made-up secret
/// proves nothing and is merely refused.
struct SecretToken: Sendable, Hashable {
    let sessionID: SessionID
    let secret: String

    /// A fresh token with 256 bits of randomness, sealed with `key`.
    init(sessionID: SessionID, sealedWith key: SymmetricKey) {
        self.sessionID = sessionID
        var bytes = Self.randomBytes(32)
        bytes.append(contentsOf: Self.seal(bytes, sessionID: sessionID, key: key))
        self.secret = Base64URL.encode(bytes)
    }

    /// Parses `<session id>.<secret>`; `nil` when malformed.
    init?(parsing raw: String) {
        guard raw.utf8.count <= 256, let dot = raw.lastIndex(of: ".") else { return nil }
        let id = raw[..<dot]
        let secret = raw[raw.index(after: dot)...]
        guard id.hasPrefix("ses_"), !secret.isEmpty else { return nil }
        self.sessionID = SessionID(String(id))
        self.secret = String(secret)
    }

    var rawValue: String { "\(sessionID.rawValue).\(secret)" }

    /// The hex SHA-256 of the secret, as stored.
    var hash: String { Self.sha256Hex(secret) }

    /// Whether this token's secret matches the stored hash, compared in constant time.
    func matches(hash stored: String) -> Bool {
        SecretTokenComparison.equal(hash, stored)
    }

    /// Whether this secret carries a valid seal for its session under `key`.
    func isSealed(with key: SymmetricKey) -> Bool {
        guard let bytes = Base64URL.decode(secret), bytes.count == 48 else { return false }
        return SecretTokenComparison.equal(Self.seal(Array(bytes.prefix(32)), sessionID: sessionID, key: key), bytes.suffix(16))
    }

    private static func seal(_ random: [UInt8], sessionID: SessionID, key: SymmetricKey) -> [UInt8] {
        var message = Data(sessionID.rawValue.utf8)
        message.append(0)
        message.append(contentsOf: random)
        return Array(Array(HMAC<SHA256>.authenticationCode(for: message, using: key)).prefix(16))
    }

    /// `bytes` random bytes from the system CSPRNG, base64url without padding.
    static func random(bytes: Int) -> String {
        Base64URL.encode(randomBytes(bytes))
    }

    private static func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    static func sha256Hex(_ string: String) -> String {
        SHA256.hash(data: Data(string.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
