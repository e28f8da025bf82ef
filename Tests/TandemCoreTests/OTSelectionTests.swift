// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemTestSupport
import Testing

@Suite("OT: selections")
struct OTSelectionTests {
    @Test func aNegativePositionIsRefusedForWhatItIsNotForATextLength() throws {
        let error = #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TextSelection.self, from: Data(#"{"anchor":-1,"head":2}"#.utf8))
        }
        let text = "\(String(describing: error))"
        #expect(text.contains("must not be negative (got -1)"), "\(text)")
        #expect(!text.contains("scalars"), "the decoder knows no text length: \(text)")
    }

    @Test func caretMovesWithInsertsBefore() {
        let caret = TextSelection(caret: 3)
        #expect(caret.transformed(by: textOp(.retain(1), .insert("👍🏽")), isOwn: false) == TextSelection(caret: 5))
        #expect(caret.transformed(by: textOp(.retain(3), .insert("xy")), isOwn: false) == caret)
        #expect(caret.transformed(by: textOp(.retain(3), .insert("xy")), isOwn: true) == TextSelection(caret: 5))
        #expect(caret.transformed(by: textOp(.retain(4), .insert("xy")), isOwn: true) == caret)
    }

    @Test func caretInsideDeletionMovesToItsStart() {
        let deletion = textOp(.retain(1), .delete(4))
        #expect(TextSelection(caret: 3).transformed(by: deletion, isOwn: false) == TextSelection(caret: 1))
        #expect(TextSelection(caret: 5).transformed(by: deletion, isOwn: false) == TextSelection(caret: 1))
        #expect(TextSelection(caret: 7).transformed(by: deletion, isOwn: false) == TextSelection(caret: 3))
        let replacement = textOp(.retain(1), .insert("ab"), .delete(4))
        #expect(TextSelection(caret: 3).transformed(by: replacement, isOwn: false) == TextSelection(caret: 3))
        #expect(TextSelection(caret: 1).transformed(by: replacement, isOwn: false) == TextSelection(caret: 1))
        #expect(TextSelection(caret: 1).transformed(by: replacement, isOwn: true) == TextSelection(caret: 3))
    }

    @Test func selectionEndsMoveIndependently() {
        var selection = TextSelection(anchor: 6, head: 2)
        selection.transform(by: textOp(.retain(4), .delete(1), .retain(3), .insert("zz")), isOwn: false)
        #expect(selection == TextSelection(anchor: 5, head: 2))
        #expect(selection.range == 2..<5)
        #expect(!selection.isCaret)
    }

    @Test func validationAndClamping() {
        #expect(TextSelection(anchor: -3, head: 2) == TextSelection(anchor: 0, head: 2))
        #expect(throws: OTError.positionOutOfRange(position: 9, length: 4)) {
            try TextSelection(anchor: 1, head: 9).validate(length: 4)
        }
        #expect(throws: Never.self) { try TextSelection(anchor: 4, head: 0).validate(length: 4) }
    }

    /// The caret behaves like a marker inserted at it: for others' edits the
    /// marker's insert wins ties (caret stays before), for own edits it loses.
    @Test func caretTracksAMarkerInsert() throws {
        var rng = SplitMix64(seed: 11)
        let marker: Unicode.Scalar = "\u{F0000}"
        for _ in 0..<2000 {
            let document = OTGen.text(length: Int.random(in: 0...12, using: &rng), using: &rng)
            let length = document.unicodeScalars.count
            let position = Int.random(in: 0...length, using: &rng)
            let edit = OTGen.operation(length: length, using: &rng)
            for isOwn in [false, true] {
                let markerOp = textOp(.retain(position), .insert(String(marker)))
                let moved = markerOp.transformed(against: edit, hasPriority: !isOwn)
                let result = otScalars(try moved.apply(to: edit.apply(to: document)))
                let expected = try #require(result.firstIndex(of: marker))
                #expect(edit.transformPosition(position, isOwn: isOwn) == expected)
            }
        }
    }
}

@Suite("OT: selections at the edges")
struct OTSelectionEdgeTests {
    @Test func hugeCountsDoNotTrap() {
        var operation = TextOperation()
        operation.retain(.max)
        operation.insert("x")
        operation.retain(5)
        operation.delete(1)
        #expect(operation.transformPosition(10, isOwn: false) == 10)
        #expect(operation.transformPosition(.max, isOwn: true) == .max)
        #expect(TextSelection(caret: 3).transformed(by: textOp(.delete(.max)), isOwn: false) == TextSelection(caret: 0))
    }
}
