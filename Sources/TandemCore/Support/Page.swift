// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// One page of a listing in stable order, with an opaque cursor for the next.
public struct Page<Item: Sendable>: Sendable {
    public var items: [Item]
    /// Pass back as `after` to fetch the next page; `nil` on the last page.
    public var nextCursor: String?

    public init(items: [Item], nextCursor: String?) {
        self.items = items
        self.nextCursor = nextCursor
    }
}

extension Page: Encodable where Item: Encodable {}

/// Where a listing starts and how much of it to return.
public struct PageRequest: Sendable, Hashable {
    /// Return items strictly after this cursor (the previous page's `nextCursor`).
    public var after: String?
    /// At most this many items, 1...200.
    public var limit: Int

    public init(after: String? = nil, limit: Int = 50) {
        self.after = after
        self.limit = limit
    }
}
