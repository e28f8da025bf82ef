// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemTestSupport

/// The scalars of a string; compare these, never `String`s (`==` on strings is
/// canonical equivalence, under which "é" equals "e\u{301}").
func otScalars(_ text: String) -> [Unicode.Scalar] { Array(text.unicodeScalars) }

/// A string made of the given scalars.
func otString(_ scalars: [Unicode.Scalar]) -> String {
    var view = String.UnicodeScalarView()
    view.append(contentsOf: scalars)
    return String(view)
}

/// Builds an operation with the builder (test input is trusted).
func textOp(_ components: TextOperation.Component...) -> TextOperation {
    var result = TextOperation()
    for component in components { result.append(component) }
    return result
}

/// All inserted text of an operation, in order.
func otInsertedScalars(_ operation: TextOperation) -> [Unicode.Scalar] {
    operation.components.flatMap { component -> [Unicode.Scalar] in
        if case let .insert(text) = component { otScalars(text) } else { [] }
    }
}

/// Whether `operation` is in the documented normal form.
func otIsNormalized(_ operation: TextOperation) -> Bool {
    var previous: TextOperation.Component?
    var base = 0
    var target = 0
    for component in operation.components {
        switch (previous, component) {
        case (.retain?, .retain), (.insert?, .insert), (.delete?, .delete), (.delete?, .insert): return false
        default: break
        }
        switch component {
        case let .retain(count):
            guard count > 0 else { return false }
            base += count
            target += count
        case let .insert(text):
            guard !text.isEmpty else { return false }
            target += text.unicodeScalars.count
        case let .delete(count):
            guard count > 0 else { return false }
            base += count
        }
        previous = component
    }
    if case .retain? = previous { return false }
    return base == operation.baseLength && target == operation.targetLength
}

/// An independent, naive reference implementation of apply.
func otReferenceApply(_ operation: TextOperation, to text: [Unicode.Scalar]) -> [Unicode.Scalar] {
    var result: [Unicode.Scalar] = []
    var position = 0
    for component in operation.components {
        switch component {
        case let .retain(count):
            result += text[position..<position + count]
            position += count
        case let .insert(inserted):
            result += inserted.unicodeScalars
        case let .delete(count):
            position += count
        }
    }
    return result + text[position...]
}

enum OTGen {
    /// Scalars that stress scalar counting: ASCII, accents, a combining mark,
    /// CJK, skin-tone and flag parts, a ZWJ and astral emoji.
    static let alphabet: [Unicode.Scalar] = [
        "a", "b", "z", " ", "\n", "é", "\u{301}", "中", "文", "\u{1F44D}", "\u{1F3FD}",
        "\u{1F1EB}", "\u{1F1F7}", "\u{200D}", "\u{1F468}", "\u{1F469}",
    ]

    /// Multi-scalar clusters inserted whole.
    static let clusters = ["👍🏽", "🇫🇷", "e\u{301}", "👨‍👩‍👧", "中文", "x"]

    static func scalarsOf(length: Int, using rng: inout SplitMix64) -> [Unicode.Scalar] {
        (0..<length).map { _ in alphabet.randomElement(using: &rng)! }
    }

    static func text(length: Int, using rng: inout SplitMix64) -> String {
        otString(scalarsOf(length: length, using: &rng))
    }

    static func insertText(using rng: inout SplitMix64) -> String {
        if Bool.random(using: &rng) { return clusters.randomElement(using: &rng)! }
        return text(length: Int.random(in: 1...4, using: &rng), using: &rng)
    }

    /// A random operation valid on a document of `length` scalars.
    static func operation(
        length: Int, using rng: inout SplitMix64,
        insert makeInsert: (inout SplitMix64) -> String = { insertText(using: &$0) }
    ) -> TextOperation {
        var result = TextOperation()
        var position = 0
        let steps = Int.random(in: 0...5, using: &rng)
        for _ in 0..<steps {
            let remaining = length - position
            switch Int.random(in: 0..<3, using: &rng) {
            case 0 where remaining > 0:
                let count = Int.random(in: 1...remaining, using: &rng)
                result.retain(count)
                position += count
            case 1 where remaining > 0:
                let count = Int.random(in: 1...min(remaining, 6), using: &rng)
                result.delete(count)
                position += count
            default:
                result.insert(makeInsert(&rng))
            }
        }
        return result
    }
}
