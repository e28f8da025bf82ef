//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Crypto
import Foundation
import TandemCore

/// An opaque bearer secret bound to a session: `<session id>.<random>`.
/// Used as the refresh token and as the browser session cookie. Only its
/// SHA-256 is stored, so a leaked database does not leak live tokens.
struct SecretToken: Sendable, Hashable {
    let sessionID: SessionID
    let secret: String

    /// A fresh token with 256 bits of randomness.
    init(sessionID: SessionID) {
        self.sessionID = sessionID
        self.secret = Self.random(bytes: 32)
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

    /// `bytes` random bytes from the system CSPRNG, base64url without padding.
    static func random(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        let data = Data((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
        return data.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func sha256Hex(_ string: String) -> String {
        SHA256.hash(data: Data(string.utf8)).map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}
