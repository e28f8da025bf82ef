//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

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
        // A key of its own, so a cursor's MAC is never a valid signature of anything else.
        let derived = HMAC<SHA256>.authenticationCode(
            for: Data("tandem.cursor.v1".utf8), using: SymmetricKey(data: Data(secret.utf8)))
        key = SymmetricKey(data: Data(derived))
    }

    /// The cursor to hand out for a store cursor (`nil` stays `nil`: the last page).
    func seal(_ cursor: String?) -> String? {
        cursor.map { "\($0).\(Self.base64URL(mac($0)))" }
    }

    /// The store cursor inside `text`.
    /// - Throws: ``StoreError/invalidCursor`` unless this server (or a node sharing its secret) signed it.
    func open(_ text: String) throws -> String {
        guard let dot = text.lastIndex(of: "."), let given = Self.data(base64URL: text[text.index(after: dot)...]),
            given.count == Self.macBytes
        else { throw StoreError.invalidCursor }
        let cursor = String(text[..<dot])
        guard Self.constantTimeEqual(mac(cursor), given) else { throw StoreError.invalidCursor }
        return cursor
    }

    private func mac(_ cursor: String) -> Data {
        Data(HMAC<SHA256>.authenticationCode(for: Data(cursor.utf8), using: key).prefix(Self.macBytes))
    }

    private static func constantTimeEqual(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        return zip(a, b).reduce(UInt8(0)) { $0 | ($1.0 ^ $1.1) } == 0
    }

    private static func base64URL(_ data: Data) -> String {
        data.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    private static func data(base64URL text: Substring) -> Data? {
        guard !text.isEmpty, text.utf8.count <= 64, !text.contains("=") else { return nil }
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        return Data(base64Encoded: base64)
    }
}
