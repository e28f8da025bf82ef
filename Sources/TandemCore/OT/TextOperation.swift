// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// An edit of a plain text, counted in **Unicode scalars** (never Characters,
/// never UTF-16 code units; clients convert at the edge).
///
/// An operation walks the document from the start: `retain(n)` keeps `n`
/// scalars, `insert(s)` inserts `s` at the current position and `delete(n)`
/// removes `n` scalars.
///
/// **Normal form** (kept by the builder methods, so two operations with the
/// same effect compare equal):
/// - no zero-length components;
/// - adjacent components of the same kind are merged;
/// - where an insert and a delete touch the same position the insert comes first;
/// - there is **no trailing retain**: everything after the last component is
///   kept implicitly. An operation therefore applies to any document of at
///   least ``baseLength`` scalars.
///
/// The empty operation is the identity.
public struct TextOperation: Sendable, Hashable, CustomStringConvertible {
    /// The largest count or length accepted from untrusted input (decoding),
    /// in scalars. Keeps all length arithmetic far from overflow.
    public static let maximumLength = Int(Int32.max)

    /// The components, in normal form.
    public private(set) var components: [Component] = []
    /// The minimum length, in scalars, of a document this operation applies to.
    public private(set) var baseLength = 0
    /// The length of the result when applied to a document of exactly ``baseLength`` scalars.
    public private(set) var targetLength = 0
    /// A retain that the builder holds back until an insert or delete follows it.
    private var pendingRetain = 0

    /// The identity operation; extend it with ``retain(_:)``, ``insert(_:)`` and ``delete(_:)``.
    public init() {}

    /// Builds an operation from components that may come from untrusted input.
    ///
    /// The components need not be normalized (they are merged, and a trailing
    /// retain is dropped), but every count must be positive and every insert
    /// non-empty, and no count or length may exceed ``maximumLength``.
    public init(validating components: [Component]) throws(OTError) {
        for (index, component) in components.enumerated() {
            switch component {
            case let .retain(count), let .delete(count):
                guard count > 0 else {
                    throw .invalidComponent("component \(index): count must be positive, got \(count)")
                }
                guard count <= Self.maximumLength else { throw .textTooLong(limit: Self.maximumLength) }
            case let .insert(text):
                guard !text.isEmpty else { throw .invalidComponent("component \(index): empty insert") }
            }
            append(component)
            guard max(baseLength, targetLength) <= Self.maximumLength - pendingRetain else {
                throw .textTooLong(limit: Self.maximumLength)
            }
        }
    }

    /// `true` for the identity operation, which changes nothing.
    public var isIdentity: Bool { components.isEmpty }

    /// How much longer the document is after applying: inserted minus deleted scalars.
    public var lengthDelta: Int { targetLength - baseLength }

    /// The operation in its JSON wire notation, e.g. `[3,"ab",{"d":2}]`.
    public var description: String {
        let parts = components.map { component -> String in
            switch component {
            case let .retain(count): "\(count)"
            case let .insert(text): "\"\(text.unicodeScalars.map { $0.escaped(asASCII: false) }.joined())\""
            case let .delete(count): "{\"d\":\(count)}"
            }
        }
        return "[" + parts.joined(separator: ",") + "]"
    }

    // MARK: Builder

    /// Appends a retain of `count` scalars. Counts ≤ 0 are ignored.
    public mutating func retain(_ count: Int) {
        guard count > 0 else { return }
        pendingRetain = Self.saturatingAdd(pendingRetain, count)
    }

    /// Appends an insert of `text`. An empty text is ignored.
    public mutating func insert(_ text: String) {
        guard !text.isEmpty else { return }
        appendInsert(text, count: text.unicodeScalars.count)
    }

    /// Appends a delete of `count` scalars. Counts ≤ 0 are ignored.
    public mutating func delete(_ count: Int) {
        guard count > 0 else { return }
        flushRetain()
        baseLength = Self.saturatingAdd(baseLength, count)
        if case let .delete(last)? = components.last {
            components[components.count - 1] = .delete(Self.saturatingAdd(last, count))
        } else {
            components.append(.delete(count))
        }
    }

    /// Appends one component through the matching builder method.
    public mutating func append(_ component: Component) {
        switch component {
        case let .retain(count): retain(count)
        case let .insert(text): insert(text)
        case let .delete(count): delete(count)
        }
    }

    /// Appends an insert whose scalar count the caller already knows.
    mutating func appendInsert(_ text: String, count: Int) {
        guard count > 0 else { return }
        flushRetain()
        targetLength = Self.saturatingAdd(targetLength, count)
        let last = components.count - 1
        switch components.last {
        case let .insert(previous)?:
            components[last] = .insert(previous + text)
        case let .delete(deleted)?:
            // Keep inserts before deletes at the same position (normal form).
            if last > 0, case let .insert(previous) = components[last - 1] {
                components[last - 1] = .insert(previous + text)
            } else {
                components[last] = .insert(text)
                components.append(.delete(deleted))
            }
        default:
            components.append(.insert(text))
        }
    }

    private mutating func flushRetain() {
        guard pendingRetain > 0 else { return }
        let count = pendingRetain
        pendingRetain = 0
        baseLength = Self.saturatingAdd(baseLength, count)
        targetLength = Self.saturatingAdd(targetLength, count)
        if case let .retain(last)? = components.last {
            components[components.count - 1] = .retain(Self.saturatingAdd(last, count))
        } else {
            components.append(.retain(count))
        }
    }

    private static func saturatingAdd(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? Int.max : sum
    }

    // MARK: Convenience

    /// An operation that replaces the scalars in `range` with `text`.
    ///
    /// Throws ``OTError/positionOutOfRange(position:length:)`` for a negative
    /// lower bound; the document length is checked when the operation is applied.
    public init(replacing range: Range<Int>, with text: String) throws(OTError) {
        guard range.lowerBound >= 0 else {
            throw .positionOutOfRange(position: range.lowerBound, length: 0)
        }
        guard range.upperBound <= Self.maximumLength else { throw .textTooLong(limit: Self.maximumLength) }
        retain(range.lowerBound)
        insert(text)
        delete(range.count)
    }

    // MARK: Equality

    /// Two operations are equal when their components are equal (scalar by scalar).
    public static func == (lhs: TextOperation, rhs: TextOperation) -> Bool {
        lhs.components == rhs.components
    }

    /// Hashes the components.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(components)
    }
}
