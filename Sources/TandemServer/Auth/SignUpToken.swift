// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation
import TandemCore
import TandemStore

/// The token in a sign-up confirmation link: `<payload>.<mac>`, both base64url, where the payload
/// is `{"e": email, "n": name, "x": expiry in ms, "r": 16 random bytes}` and the MAC is
/// HMAC-SHA256 of the payload under a key derived from `auth.jwtSecret` for this purpose only.
///
/// Whoever holds it proved they can read mail sent to `e`. It is single-use without any stored
/// state: it can only create the account for `e`, and once that account exists the token is
/// spent (``SignUpService``). Nothing secret is in it (it names an address the holder owns).
struct SignUpToken: Sendable, Hashable, Codable {
    var email: String
    var name: String
    var expiresAt: Timestamp
    var random: String

    enum CodingKeys: String, CodingKey {
        case email = "e"
        case name = "n"
        case expiresAt = "x"
        case random = "r"
    }

    /// Why a presented token is refused.
    enum Refusal: Error, Sendable, Equatable {
        /// Not made here: malformed, altered, or sealed with another key.
        case invalid
        case expired
    }

    init(email: String, name: String, expiresAt: Timestamp) {
        self.email = email
        self.name = name
        self.expiresAt = expiresAt
        self.random = SecretToken.random(bytes: 16)
    }

    /// The token's text, sealed with `key`.
    func sealed(with key: SymmetricKey) throws -> String {
        let payload = try JSONEncoder().encode(self)
        let mac = HMAC<SHA256>.authenticationCode(for: payload, using: key)
        return Base64URL.encode(payload) + "." + Base64URL.encode(Data(mac))
    }

    /// Opens a presented token: its MAC must verify under `key` (compared in constant time) and
    /// it must not have expired at `now`.
    static func open(_ raw: String, key: SymmetricKey, now: Timestamp) throws(Refusal) -> SignUpToken {
        guard raw.utf8.count <= 2048 else { throw .invalid }
        let parts = raw.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, let payload = Base64URL.decode(parts[0]), let mac = Base64URL.decode(parts[1]),
            HMAC<SHA256>.isValidAuthenticationCode(mac, authenticating: payload, using: key),
            let token = try? JSONDecoder().decode(SignUpToken.self, from: payload)
        else { throw .invalid }
        guard now < token.expiresAt else { throw .expired }
        return token
    }

    static func key(secret: String) -> SymmetricKey {
        DerivedKey.from(secret, purpose: "tandem sign-up confirmation link v1")
    }
}
