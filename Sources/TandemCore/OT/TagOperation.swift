// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Adds and removes tags of a ticket, with set semantics.
///
/// Tags are normalized by ``normalize(_:)``. Within one operation a tag cannot
/// be both added and removed (adding wins). Applying is idempotent: adding a
/// present tag or removing an absent one does nothing.
///
/// **Conflict rule:** the result is that of applying the operations in server
/// order; for a tag that two concurrent operations touch in opposite ways, the
/// one ordered *later* wins. (A plain identity transform would not converge:
/// a client that removed a tag and then received an earlier concurrent add
/// would re-add it while the server had it removed.) Operations touching
/// different tags, or the same tag the same way, pass through unchanged.
///
/// JSON: `{"add": ["bug"], "remove": ["urgent"]}`, each list sorted.
public struct TagOperation: Sendable, Hashable, Codable {
    /// The normalized tags to add.
    public private(set) var added: Set<String>
    /// The normalized tags to remove; disjoint from ``added``.
    public private(set) var removed: Set<String>

    /// An operation adding and removing the given tags, after normalizing them.
    /// Throws ``OTError/invalidTag(_:)`` for a tag that is empty once trimmed.
    public init(
        adding added: some Sequence<String> = [], removing removed: some Sequence<String> = []
    ) throws(OTError) {
        let add = try Self.normalizeAll(added)
        self.added = add
        self.removed = try Self.normalizeAll(removed).subtracting(add)
    }

    private init(normalizedAdded: Set<String>, removed: Set<String>) {
        self.added = normalizedAdded
        self.removed = removed
    }

    /// The canonical form of a tag: trimmed of whitespace and lower-cased;
    /// `nil` when nothing is left.
    public static func normalize(_ tag: String) -> String? {
        guard let first = tag.firstIndex(where: { !$0.isWhitespace }),
            let last = tag.lastIndex(where: { !$0.isWhitespace })
        else { return nil }
        return tag[first...last].lowercased()
    }

    private static func normalizeAll(_ tags: some Sequence<String>) throws(OTError) -> Set<String> {
        var result = Set<String>()
        for tag in tags {
            guard let normalized = normalize(tag) else { throw .invalidTag(tag) }
            result.insert(normalized)
        }
        return result
    }

    /// `true` when the operation changes nothing on any tag set.
    public var isNoop: Bool { added.isEmpty && removed.isEmpty }

    /// The tag set after this operation.
    public func apply(to tags: Set<String>) -> Set<String> {
        tags.union(added).subtracting(removed)
    }

    /// Transforms two concurrent operations; see the conflict rule above.
    /// - Parameter priority: the operand the server ordered first (it loses conflicts).
    public static func transform(
        _ a: TagOperation, _ b: TagOperation, priority: OTPriority
    ) -> (TagOperation, TagOperation) {
        switch priority {
        case .left: (a.yielding(to: b), b)
        case .right: (a, b.yielding(to: a))
        }
    }

    /// One operation doing `a` then `b`.
    public static func compose(_ a: TagOperation, _ b: TagOperation) -> TagOperation {
        TagOperation(
            normalizedAdded: a.added.subtracting(b.removed).union(b.added),
            removed: a.removed.subtracting(b.added).union(b.removed))
    }

    /// This earlier operation without the changes that the later `winner` reverses.
    private func yielding(to winner: TagOperation) -> TagOperation {
        TagOperation(normalizedAdded: added.subtracting(winner.removed), removed: removed.subtracting(winner.added))
    }

    private enum CodingKeys: String, CodingKey {
        case added = "add"
        case removed = "remove"
    }

    /// Decodes `{"add": […], "remove": […]}` (either list may be omitted),
    /// normalizing the tags; an empty tag is rejected.
    public init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: CodingKeys.self)
        let add = try object.decodeIfPresent([String].self, forKey: .added) ?? []
        let remove = try object.decodeIfPresent([String].self, forKey: .removed) ?? []
        do {
            try self.init(adding: add, removing: remove)
        } catch {
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
        }
    }

    /// Encodes `{"add": […], "remove": […]}` with sorted lists.
    public func encode(to encoder: any Encoder) throws {
        var object = encoder.container(keyedBy: CodingKeys.self)
        try object.encode(added.sorted(), forKey: .added)
        try object.encode(removed.sorted(), forKey: .removed)
    }
}
