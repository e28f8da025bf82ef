// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation
import TandemStore

/// Signs the pagination cursors a store hands out, so that a client can pass back only
/// cursors the server made: `<store cursor>.<base64url HMAC-SHA256, 16 bytes>`.
///
/// The key is derived from `auth.jwtSecret`, which every node of a cluster shares, so a
/// cursor from one node works on any other; a different secret invalidates old cursors.
struct CursorSeal: Sendable {
    private let key: SymmetricKey

    /// Bytes of the MAC kept in a cursor (128 bits).
    private static let macBytes = 16

    init(secret: String) {
        key = DerivedKey.from(secret, purpose: "tandem.cursor.v1")
    }

    /// The cursor to hand out for a store cursor (`nil` stays `nil`: the last page).
    func seal(_ cursor: String?) -> String? {
        cursor.map { "\($0).\(Base64URL.encode(mac($0)))" }
    }

    /// The store cursor inside `text`.
    /// - Throws: ``StoreError/invalidCursor`` unless this server (or a node sharing its secret) signed it.
    func open(_ text: String) throws -> String {
        guard let dot = text.lastIndex(of: "."), let given = Base64URL.decode(text[text.index(after: dot)...]),
            given.count == Self.macBytes
        else { throw StoreError.invalidCursor }
        let cursor = String(text[..<dot])
        guard SecretTokenComparison.equal(mac(cursor), given) else { throw StoreError.invalidCursor }
        return cursor
    }

    private func mac(_ cursor: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(cursor.utf8), using: key).prefix(Self.macBytes))
    }
}
