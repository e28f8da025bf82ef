// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Reads a ``TextOperation`` piece by piece for transform and compose, splitting
/// components on demand. Past the last component it yields an endless retain
/// (the implicit trailing retain). Each scalar is visited O(1) times.
struct ComponentReader {
    /// A (possibly partial) component.
    enum Piece {
        case retain(Int)
        case insert(Substring.UnicodeScalarView, count: Int)
        case delete(Int)
    }

    private let components: [TextOperation.Component]
    private var nextIndex = 0
    /// The unread part of the current component; `nil` once all are read.
    private(set) var current: Piece?

    init(_ operation: TextOperation) {
        components = operation.components
        advance()
    }

    /// `true` once only the implicit trailing retain is left.
    var isAtEnd: Bool { current == nil }

    /// The length of the current piece; `Int.max` at the end.
    var length: Int {
        switch current {
        case let .retain(count)?, let .delete(count)?, let .insert(_, count)?: count
        case nil: Int.max
        }
    }

    /// The scalar count if the current piece is an insert.
    var insertCount: Int? {
        if case let .insert(_, count)? = current { count } else { nil }
    }

    /// Drops the rest of the current piece and loads the next component.
    mutating func advance() {
        guard nextIndex < components.count else {
            current = nil
            return
        }
        switch components[nextIndex] {
        case let .retain(count): current = .retain(count)
        case let .delete(count): current = .delete(count)
        case let .insert(text): current = .insert(Substring(text).unicodeScalars, count: text.unicodeScalars.count)
        }
        nextIndex += 1
    }

    /// Takes the first `count` scalars of the current piece (`0 < count <= length`).
    mutating func take(_ count: Int) -> Piece {
        switch current {
        case nil:
            return .retain(count)
        case let .retain(length)?:
            if count < length { current = .retain(length - count) } else { advance() }
            return .retain(count)
        case let .delete(length)?:
            if count < length { current = .delete(length - count) } else { advance() }
            return .delete(count)
        case let .insert(scalars, length)?:
            guard count < length else {
                advance()
                return .insert(scalars, count: length)
            }
            let split = scalars.index(scalars.startIndex, offsetBy: count)
            current = .insert(scalars[split...], count: length - count)
            return .insert(scalars[..<split], count: count)
        }
    }
}

extension TextOperation {
    /// Appends an insert piece read by a ``ComponentReader``.
    mutating func appendInsert(_ scalars: Substring.UnicodeScalarView, count: Int) {
        appendInsert(String(Substring(scalars)), count: count)
    }
}
