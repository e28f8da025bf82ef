// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemTestSupport
import Testing

@Suite("OT: properties over random operations")
struct OTPropertyTests {
    static let cases = 3000

    @Test func applyMatchesReferenceAndBufferApply() throws {
        var rng = SplitMix64(seed: 1)
        for _ in 0..<Self.cases {
            let document = OTGen.scalarsOf(length: Int.random(in: 0...24, using: &rng), using: &rng)
            let operation = OTGen.operation(length: document.count, using: &rng)
            #expect(otIsNormalized(operation))
            let expected = otReferenceApply(operation, to: document)
            #expect(otScalars(try operation.apply(to: otString(document))) == expected)
            var buffer = document
            try operation.apply(to: &buffer)
            #expect(buffer == expected)
            #expect(expected.count == document.count + operation.lengthDelta)
        }
    }

    @Test func transformConvergesTP1() throws {
        var rng = SplitMix64(seed: 2)
        for _ in 0..<Self.cases {
            let document = OTGen.scalarsOf(length: Int.random(in: 0...24, using: &rng), using: &rng)
            let a = OTGen.operation(length: document.count, using: &rng)
            let b = OTGen.operation(length: document.count, using: &rng)
            for priority in [OTPriority.left, .right] {
                let (aPrime, bPrime) = TextOperation.transform(a, b, priority: priority)
                #expect(otIsNormalized(aPrime) && otIsNormalized(bPrime))
                // Every inserted scalar survives, in order.
                #expect(otInsertedScalars(aPrime) == otInsertedScalars(a))
                #expect(otInsertedScalars(bPrime) == otInsertedScalars(b))
                let viaA = otReferenceApply(bPrime, to: otReferenceApply(a, to: document))
                let viaB = otReferenceApply(aPrime, to: otReferenceApply(b, to: document))
                #expect(viaA == viaB)
                // Nothing is deleted twice: the result keeps exactly the
                // scalars neither operation deleted, plus both inserts.
                let deletedByEither = Self.deletedPositions(a).union(Self.deletedPositions(b))
                let inserted = otInsertedScalars(a).count + otInsertedScalars(b).count
                #expect(viaA.count == document.count - deletedByEither.count + inserted)
            }
        }
    }

    @Test func composeMatchesSequentialApply() throws {
        var rng = SplitMix64(seed: 3)
        for _ in 0..<Self.cases {
            let document = OTGen.scalarsOf(length: Int.random(in: 0...24, using: &rng), using: &rng)
            let a = OTGen.operation(length: document.count, using: &rng)
            let middle = otReferenceApply(a, to: document)
            let b = OTGen.operation(length: middle.count, using: &rng)
            let c = TextOperation.compose(a, b)
            #expect(otIsNormalized(c))
            #expect(otReferenceApply(c, to: document) == otReferenceApply(b, to: middle))
            // Associativity (checked through apply) with a third operation.
            let after = otReferenceApply(b, to: middle)
            let d = OTGen.operation(length: after.count, using: &rng)
            #expect(TextOperation.compose(c, d) == TextOperation.compose(a, TextOperation.compose(b, d)))
        }
    }

    /// Transforming a composition keeps the same content as transforming its
    /// parts one after the other (what a client does with composed pending
    /// edits). Only the order at insert ties may differ: composing
    /// `[{"d":1}]` and `["y"]` gives `["y",{"d":1}]`, which no longer records
    /// that "y" went where the deleted scalar was, so exact equality is not a
    /// property of this OT (nor of ot.js / ot-text-unicode).
    @Test func transformOfComposeKeepsContent() throws {
        var rng = SplitMix64(seed: 4)
        for _ in 0..<Self.cases {
            let document = OTGen.scalarsOf(length: Int.random(in: 0...20, using: &rng), using: &rng)
            let a1 = OTGen.operation(length: document.count, using: &rng)
            let a2 = OTGen.operation(length: document.count + a1.lengthDelta, using: &rng)
            let b = OTGen.operation(length: document.count, using: &rng)
            let (composedPrime, bAfterComposed) = TextOperation.transform(
                TextOperation.compose(a1, a2), b, priority: .right)
            let (a1Prime, bAfterA1) = TextOperation.transform(a1, b, priority: .right)
            let (a2Prime, bAfterBoth) = TextOperation.transform(a2, bAfterA1, priority: .right)
            let base = otReferenceApply(b, to: document)
            let whole = otReferenceApply(composedPrime, to: base)
            let stepwise = otReferenceApply(a2Prime, to: otReferenceApply(a1Prime, to: base))
            #expect(whole.map(\.value).sorted() == stepwise.map(\.value).sorted())
            let edited = otReferenceApply(a2, to: otReferenceApply(a1, to: document))
            #expect(
                otReferenceApply(bAfterComposed, to: edited).map(\.value).sorted()
                    == otReferenceApply(bAfterBoth, to: edited).map(\.value).sorted())
            // Without concurrent inserts there are no ties, and the results match exactly.
            if otInsertedScalars(b).isEmpty { #expect(whole == stepwise) }
        }
    }

    /// Positions of the original document that `operation` deletes.
    static func deletedPositions(_ operation: TextOperation) -> Set<Int> {
        var result = Set<Int>()
        var position = 0
        for component in operation.components {
            switch component {
            case let .retain(count): position += count
            case .insert: break
            case let .delete(count):
                result.formUnion(position..<position + count)
                position += count
            }
        }
        return result
    }
}
