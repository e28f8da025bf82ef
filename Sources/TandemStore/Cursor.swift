// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore

/// The opaque position in a listing handed out as ``Page/nextCursor`` (by any
/// store: it names no database):
/// `c1.` followed by base64url (unpadded) of `{"k":"<listing>","a":"<last id>"}`.
///
/// Listings are in id order and ids are time-ordered, so "after this id" is
/// a stable position even while rows are inserted. The listing name makes a
/// cursor from one listing unusable in another.
package struct Cursor: Equatable, Sendable {
    /// The listing the cursor belongs to, for example `users`.
    package var listing: String
    /// The id of the last item on the previous page.
    package var after: String

    private static let prefix = "c1."

    private struct Payload: Codable {
        var k: String
        var a: String
    }

    /// The cursor text.
    package var encoded: String {
        // Encoding two strings cannot fail.
        let json = (try? JSONEncoder().encode(Payload(k: listing, a: after))) ?? Data()
        return Self.prefix + Base64URL.encode(json)
    }

    /// Decodes `text`, checking that it belongs to `listing`.
    /// - Throws: ``StoreError/invalidCursor`` for anything this store did not hand out.
    package init(decoding text: String, listing: String) throws {
        guard
            text.hasPrefix(Self.prefix),
            let data = Base64URL.decode(text.dropFirst(Self.prefix.count)),
            let payload = try? JSONDecoder().decode(Payload.self, from: data),
            payload.k == listing,
            !payload.a.isEmpty
        else {
            throw StoreError.invalidCursor
        }
        self.listing = listing
        self.after = payload.a
    }

    package init(listing: String, after: String) {
        self.listing = listing
        self.after = after
    }
}

/// Keyset pagination over id-ordered rows (for newest-first listings, "after"
/// the cursor means "older than" it).
package enum Pagination {
    /// The most items a page may hold.
    package static let maximumLimit = 200

    /// `limit` clamped to `1...maximumLimit`.
    package static func clamp(_ limit: Int) -> Int {
        min(max(limit, 1), maximumLimit)
    }

    /// The id to start after, or `nil` for the first page.
    /// - Throws: ``StoreError/invalidCursor``.
    package static func start(_ request: PageRequest, listing: String) throws -> String? {
        guard let after = request.after else { return nil }
        return try Cursor(decoding: after, listing: listing).after
    }

    /// Builds a page from up to `limit + 1` rows fetched in listing order (id
    /// order, ascending or descending): the extra row only tells that there is
    /// a next page, so a cursor never leads to an empty page.
    package static func page<Item: Sendable>(
        _ fetched: [Item], limit: Int, listing: String, id: (Item) -> String
    ) -> Page<Item> {
        guard fetched.count > limit else { return Page(items: fetched, nextCursor: nil) }
        let items = Array(fetched.prefix(limit))
        return Page(items: items, nextCursor: Cursor(listing: listing, after: id(items[limit - 1])).encoded)
    }
}
