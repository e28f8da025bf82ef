// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemTestSupport
import Testing

private func decode<T: Decodable>(_ type: T.Type, _ json: String) throws -> T {
    try JSONDecoder().decode(T.self, from: Data(json.utf8))
}

private func decode(_ json: String) throws -> TextOperation {
    try decode(TextOperation.self, json)
}

private func encode(_ value: some Encodable) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}

@Suite("OT: JSON wire format")
struct OTCodableTests {
    @Test func encodesTheOtTextUnicodeConvention() throws {
        #expect(try encode(textOp(.retain(5), .insert("hi👍🏽"), .delete(3))) == #"[5,"hi👍🏽",{"d":3}]"#)
        #expect(try encode(TextOperation()) == "[]")
    }

    @Test func decodesAndNormalizes() throws {
        #expect(try decode(#"[5,"hi",{"d":3}]"#) == textOp(.retain(5), .insert("hi"), .delete(3)))
        #expect(try decode(#"[1,2,"a","b",{"d":1},{"d":2},9]"#) == textOp(.retain(3), .insert("ab"), .delete(3)))
        #expect(try decode(#"[{"d":1},"x"]"#).components == [.insert("x"), .delete(1)])
        #expect(try decode("[]").isIdentity)
        #expect(try decode(#"["\ud83d\udc4d\ud83c\udffd"]"#) == textOp(.insert("👍🏽")))
    }

    @Test(arguments: [
        "[0]", "[-1]", #"[{"d":0}]"#, #"[{"d":-3}]"#, #"[{"x":1}]"#, #"[{"d":1,"e":2}]"#, "[{}]",
        #"[""]"#, "[true]", "[false]", "[null]", "[[1]]", "[1.5]", #"[{"d":"2"}]"#, #"[{"d":1.5}]"#,
        #"{"d":1}"#, #""abc""#, "5", "null", "[99999999999999]", "[9223372036854775807,\"x\"]",
        "[9223372036854775808]", "[2147483647,2147483647,{\"d\":1}]", "[1,",
    ])
    func rejectsInvalidInput(json: String) {
        #expect(throws: DecodingError.self) { try decode(json) }
    }

    @Test func errorsCarryAnOTError() throws {
        do {
            _ = try decode(#"[3,{"d":-2}]"#)
            Issue.record("decoded an invalid operation")
        } catch let DecodingError.dataCorrupted(context) {
            let underlying = try #require(context.underlyingError as? OTError)
            guard case let .invalidComponent(reason) = underlying else {
                Issue.record("unexpected \(underlying)")
                return
            }
            #expect(reason.contains("positive"))
            #expect(context.codingPath.count == 1)
        }
        do {
            _ = try decode("[99999999999999]")
            Issue.record("decoded an oversized operation")
        } catch let DecodingError.dataCorrupted(context) {
            #expect(context.underlyingError as? OTError == .textTooLong(limit: TextOperation.maximumLength))
        }
    }

    @Test func randomOperationsRoundTrip() throws {
        var rng = SplitMix64(seed: 7)
        for _ in 0..<500 {
            let operation = OTGen.operation(length: Int.random(in: 0...20, using: &rng), using: &rng)
            let json = try JSONEncoder().encode(operation)
            #expect(try JSONDecoder().decode(TextOperation.self, from: json) == operation)
        }
    }

    @Test func randomGarbageNeverCrashes() {
        var rng = SplitMix64(seed: 99)
        let pieces = ["[", "]", "{", "}", ",", ":", "\"d\"", "\"x\"", "0", "-1", "3", "1e3", "true", "null", " "]
        for _ in 0..<2000 {
            let json = (0..<Int.random(in: 1...8, using: &rng)).map { _ in pieces.randomElement(using: &rng)! }.joined()
            if let operation = try? decode(TextOperation.self, json) {
                #expect(otIsNormalized(operation))
            }
        }
    }

    @Test func selectionFieldAndTagJSON() throws {
        #expect(try encode(TextSelection(anchor: 1, head: 4)) == #"{"anchor":1,"head":4}"#)
        #expect(try decode(TextSelection.self, #"{"anchor":2,"head":2}"#) == TextSelection(caret: 2))
        #expect(throws: DecodingError.self) { try decode(TextSelection.self, #"{"anchor":-1,"head":2}"#) }

        let field = FieldOperation(field: "status", from: "open", to: "closed")
        #expect(try encode(field) == #"{"field":"status","new":"closed","old":"open"}"#)
        #expect(try decode(FieldOperation<String>.self, #"{"field":"status","old":"open","new":"closed"}"#) == field)
        #expect(throws: DecodingError.self) {
            try decode(FieldOperation<String>.self, #"{"field":"","old":"a","new":"b"}"#)
        }
        let assignee = FieldOperation<String?>(field: "assignee", from: nil, to: "usr_1")
        #expect(try decode(FieldOperation<String?>.self, encode(assignee)) == assignee)

        let tags = try TagOperation(adding: [" Bug ", "VIP"], removing: ["urgent"])
        #expect(try encode(tags) == #"{"add":["bug","vip"],"remove":["urgent"]}"#)
        #expect(try decode(TagOperation.self, #"{"add":["BUG"," vip"],"remove":["Urgent"]}"#) == tags)
        #expect(try decode(TagOperation.self, "{}").isNoop)
        #expect(throws: DecodingError.self) { try decode(TagOperation.self, #"{"add":["  "]}"#) }
        #expect(throws: DecodingError.self) { try decode(TagOperation.self, #"{"add":[1]}"#) }
    }
}
