// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

/// Applies both orders and checks they converge; returns the converged text.
@discardableResult
func otExpectConverges(
    _ document: String, _ a: TextOperation, _ b: TextOperation, priority: OTPriority,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> String {
    let (aPrime, bPrime) = TextOperation.transform(a, b, priority: priority)
    let viaA = try bPrime.apply(to: a.apply(to: document))
    let viaB = try aPrime.apply(to: b.apply(to: document))
    #expect(otScalars(viaA) == otScalars(viaB), sourceLocation: sourceLocation)
    return viaA
}

@Suite("OT: transform")
struct OTTransformTests {
    @Test func insertTieBreakFollowsPriority() throws {
        let a = textOp(.retain(1), .insert("A"))
        let b = textOp(.retain(1), .insert("B"))
        #expect(try otExpectConverges("xy", a, b, priority: .left) == "xABy")
        #expect(try otExpectConverges("xy", a, b, priority: .right) == "xBAy")
        let (aPrime, bPrime) = TextOperation.transform(a, b, priority: .right)
        #expect(aPrime == textOp(.retain(2), .insert("A")))
        #expect(bPrime == textOp(.retain(1), .insert("B")))
    }

    @Test func overlappingDeletesDoNotDoubleDelete() throws {
        let a = textOp(.retain(1), .delete(3))  // "bcd"
        let b = textOp(.retain(2), .delete(3))  // "cde"
        #expect(try otExpectConverges("abcdefg", a, b, priority: .left) == "afg")
        let (aPrime, bPrime) = TextOperation.transform(a, b, priority: .left)
        #expect(aPrime == textOp(.retain(1), .delete(1)))
        #expect(bPrime == textOp(.retain(1), .delete(1)))
        // Identical deletes cancel out.
        let (x, y) = TextOperation.transform(a, a, priority: .left)
        #expect(x.isIdentity && y.isIdentity)
    }

    @Test func insertInsideConcurrentDeleteSurvives() throws {
        let a = textOp(.retain(2), .insert("!"))
        let b = textOp(.retain(1), .delete(3))
        #expect(try otExpectConverges("abcdef", a, b, priority: .left) == "a!ef")
        #expect(try otExpectConverges("abcdef", a, b, priority: .right) == "a!ef")
    }

    @Test func insertAtDeleteBoundaries() throws {
        let deletion = textOp(.retain(1), .delete(2))
        #expect(try otExpectConverges("abcdef", textOp(.retain(1), .insert("<")), deletion, priority: .right) == "a<def")
        #expect(try otExpectConverges("abcdef", textOp(.retain(3), .insert(">")), deletion, priority: .left) == "a>def")
    }

    @Test func operationsOfDifferentReachUseImplicitRetain() throws {
        let a = textOp(.insert("S"))
        let b = textOp(.retain(10), .delete(2))
        #expect(try otExpectConverges("0123456789AB", a, b, priority: .left) == "S0123456789")
        let (aPrime, bPrime) = TextOperation.transform(a, b, priority: .left)
        #expect(aPrime == a)
        #expect(bPrime == textOp(.retain(11), .delete(2)))
    }

    @Test func identityTransformsToItself() {
        let a = textOp(.retain(2), .insert("x"), .delete(1))
        let (aPrime, identity) = TextOperation.transform(a, TextOperation(), priority: .left)
        #expect(aPrime == a && identity.isIdentity)
        let (identity2, aPrime2) = TextOperation.transform(TextOperation(), a, priority: .right)
        #expect(aPrime2 == a && identity2.isIdentity)
    }

    @Test func unicodeTransform() throws {
        // Both insert between the halves of a flag, with emoji and combining marks.
        let document = "🇫🇷e\u{301}"
        let a = textOp(.retain(1), .insert("👍🏽"), .retain(2), .delete(1))
        let b = textOp(.retain(1), .insert("中"), .retain(1), .insert("\u{301}"))
        let result = try otExpectConverges(document, a, b, priority: .right)
        #expect(otScalars(result) == otScalars("\u{1F1EB}中👍🏽\u{1F1F7}\u{301}e"))
    }
}

@Suite("OT: compose")
struct OTComposeTests {
    @Test func composeSequentialEdits() throws {
        let a = textOp(.insert("Hello"))
        let b = textOp(.retain(5), .insert(", world"))
        let c = TextOperation.compose(a, b)
        #expect(c == textOp(.insert("Hello, world")))
        #expect(try c.apply(to: "!") == "Hello, world!")
    }

    @Test func composeInsertThenDeleteCancels() throws {
        let a = textOp(.retain(1), .insert("abc"))
        let b = textOp(.retain(2), .delete(1))
        #expect(TextOperation.compose(a, b) == textOp(.retain(1), .insert("ac")))
        #expect(TextOperation.compose(textOp(.insert("xy")), textOp(.delete(2))).isIdentity)
    }

    @Test func composeDeletes() throws {
        let a = textOp(.retain(2), .delete(2))
        let b = textOp(.delete(1), .retain(1), .delete(1))
        let c = a.composed(with: b)
        #expect(c == textOp(.delete(1), .retain(1), .delete(3)))
        #expect(try c.apply(to: "abcdef") == "bf")
    }

    @Test func composeSplitsMultiScalarInserts() throws {
        let a = textOp(.insert("👍🏽🇫🇷"))
        let b = textOp(.retain(1), .delete(2), .insert("e\u{301}"))
        let c = TextOperation.compose(a, b)
        #expect(c == textOp(.insert("\u{1F44D}e\u{301}\u{1F1F7}")))
        #expect(otScalars(try c.apply(to: "z")) == otScalars(try b.apply(to: a.apply(to: "z"))))
    }

    @Test func composeWithIdentity() {
        let a = textOp(.retain(3), .insert("q"), .delete(2))
        #expect(TextOperation.compose(a, TextOperation()) == a)
        #expect(TextOperation.compose(TextOperation(), a) == a)
    }
}
