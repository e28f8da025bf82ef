// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@Suite("OT: TextOperation build and apply")
struct OTTextOperationTests {
    @Test func builderNormalizes() {
        var operation = TextOperation()
        operation.retain(2)
        operation.retain(0)
        operation.retain(3)
        operation.insert("")
        operation.insert("ab")
        operation.insert("c")
        operation.delete(1)
        operation.delete(-4)
        operation.delete(2)
        operation.insert("d")  // Moves before the delete.
        operation.retain(7)  // Trailing: dropped.
        #expect(operation.components == [.retain(5), .insert("abcd"), .delete(3)])
        #expect(operation.baseLength == 8)
        #expect(operation.targetLength == 9)
        #expect(operation.lengthDelta == 1)
        #expect(operation.description == #"[5,"abcd",{"d":3}]"#)
    }

    @Test func deleteThenInsertEqualsInsertThenDelete() {
        #expect(textOp(.delete(2), .insert("x")) == textOp(.insert("x"), .delete(2)))
        #expect(textOp(.delete(2), .insert("x")).components == [.insert("x"), .delete(2)])
    }

    @Test func identity() throws {
        let identity = TextOperation()
        #expect(identity.isIdentity)
        #expect(textOp(.retain(4)).isIdentity)
        #expect(try identity.apply(to: "hello") == "hello")
        #expect(try identity.apply(to: "") == "")
    }

    @Test func applyKeepsTheRest() throws {
        let operation = textOp(.retain(1), .insert("X"), .delete(1))
        #expect(try operation.apply(to: "abcdef") == "aXcdef")
        var buffer = otScalars("abcdef")
        try operation.apply(to: &buffer)
        #expect(buffer == otScalars("aXcdef"))
    }

    @Test func applyToShortTextThrows() {
        let operation = textOp(.retain(5), .delete(2))
        #expect(throws: OTError.baseLengthMismatch(expected: 7, actual: 6)) { try operation.apply(to: "abcdef") }
        var buffer = otScalars("abcdef")
        #expect(throws: OTError.baseLengthMismatch(expected: 7, actual: 6)) { try operation.apply(to: &buffer) }
        #expect(buffer == otScalars("abcdef"))
        #expect(throws: OTError.baseLengthMismatch(expected: 1, actual: 0)) { try textOp(.delete(1)).apply(to: "") }
    }

    @Test func applyRespectsLimit() throws {
        let operation = textOp(.retain(2), .insert("xyz"))
        #expect(try operation.apply(to: "ab", limit: 5) == "abxyz")
        #expect(throws: OTError.textTooLong(limit: 4)) { try operation.apply(to: "ab", limit: 4) }
        var buffer = otScalars("ab")
        #expect(throws: OTError.textTooLong(limit: 4)) { try operation.apply(to: &buffer, limit: 4) }
        #expect(buffer == otScalars("ab"))
        // Shrinking to within the limit is fine; staying above it is not.
        #expect(try textOp(.delete(3)).apply(to: "abcdef", limit: 3) == "def")
        #expect(throws: OTError.textTooLong(limit: 3)) { try textOp(.delete(1)).apply(to: "abcdef", limit: 3) }
    }

    @Test func countsUnicodeScalars() throws {
        // 👍🏽 is 2 scalars, 🇫🇷 is 2, "é" written e + U+0301 is 2, 👨‍👩‍👧 is 5.
        let text = "👍🏽🇫🇷e\u{301}👨‍👩‍👧中"
        #expect(text.unicodeScalars.count == 12)
        // Delete the skin tone only: a scalar-level edit, legal for OT.
        let withoutTone = try textOp(.retain(1), .delete(1)).apply(to: text)
        #expect(otScalars(withoutTone) == otScalars("👍🇫🇷e\u{301}👨‍👩‍👧中"))
        // Delete the combining mark only.
        let withoutMark = try textOp(.retain(5), .delete(1)).apply(to: text)
        #expect(otScalars(withoutMark) == otScalars("👍🏽🇫🇷e👨‍👩‍👧中"))
        // Replace the flag.
        #expect(
            otScalars(try textOp(.retain(2), .insert("🇩🇪"), .delete(2)).apply(to: text))
                == otScalars("👍🏽🇩🇪e\u{301}👨‍👩‍👧中"))
        // Insert inside the ZWJ sequence and after the CJK scalar.
        let edited = try textOp(.retain(7), .insert("\u{1F3FB}"), .retain(5), .insert("文")).apply(to: text)
        #expect(otScalars(edited) == otScalars("👍🏽🇫🇷e\u{301}👨\u{1F3FB}‍👩‍👧中文"))
        #expect(textOp(.insert("👍🏽🇫🇷")).targetLength == 4)
    }

    @Test func insertEqualityIsScalarWise() {
        let composed = textOp(.insert("\u{E9}"))
        let decomposed = textOp(.insert("e\u{301}"))
        #expect(composed != decomposed)
        #expect(composed.targetLength == 1 && decomposed.targetLength == 2)
        #expect(Set([composed, decomposed]).count == 2)
    }

    @Test func validatingInit() throws {
        let operation = try TextOperation(validating: [.retain(1), .retain(2), .delete(1), .insert("a"), .retain(9)])
        #expect(operation.components == [.retain(3), .insert("a"), .delete(1)])
        #expect(throws: OTError.self) { try TextOperation(validating: [.retain(0)]) }
        #expect(throws: OTError.self) { try TextOperation(validating: [.delete(-1)]) }
        #expect(throws: OTError.self) { try TextOperation(validating: [.insert("")]) }
        #expect(throws: OTError.textTooLong(limit: TextOperation.maximumLength)) {
            try TextOperation(validating: [.retain(.max), .insert("x")])
        }
        #expect(throws: OTError.textTooLong(limit: TextOperation.maximumLength)) {
            try TextOperation(validating: [.retain(TextOperation.maximumLength), .delete(1)])
        }
    }

    @Test func replacingConvenience() throws {
        let operation = try TextOperation(replacing: 1..<3, with: "XY")
        #expect(try operation.apply(to: "abcd") == "aXYd")
        #expect(throws: OTError.positionOutOfRange(position: -1, length: 0)) {
            try TextOperation(replacing: -1..<2, with: "x")
        }
        #expect(throws: OTError.baseLengthMismatch(expected: 3, actual: 2)) {
            try TextOperation(replacing: 1..<3, with: "").apply(to: "ab")
        }
    }

    @Test func builderSaturatesInsteadOfTrapping() {
        var operation = TextOperation()
        operation.retain(.max)
        operation.retain(.max)
        operation.delete(.max)
        operation.delete(5)
        #expect(operation.baseLength == .max)
        #expect(throws: OTError.self) { try operation.apply(to: "abc") }
        var buffer = otScalars("abc")
        #expect(throws: OTError.self) { try operation.apply(to: &buffer) }
    }

    @Test func errorsDescribeThemselves() {
        #expect(OTError.baseLengthMismatch(expected: 3, actual: 2).description.contains("at least 3"))
        #expect(OTError.invalidComponent("x").description == "invalid operation: x")
    }
}
