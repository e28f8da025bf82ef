// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
@testable import TandemMongo
import Testing

/// The BSON codec and the Codable bridge; no server needed.
@Suite("BSON")
struct BSONTests {
    static let sample: BSONDocument = [
        "string": "a\u{0}b 😀 e\u{301} 東京 \u{202E}",
        "int64": .int64(Int64.max),
        "int64min": .int64(Int64.min),
        "int32": .int32(Int32.min),
        "double": .double(-0.1),
        "true": true,
        "false": false,
        "null": nil,
        "binary": .binary(BSONBinary(subtype: 0, bytes: [0, 1, 2, 0xFF])),
        "uuid": .binary(BSONBinary(subtype: 4, bytes: Array(repeating: 7, count: 16))),
        "objectID": .objectID(BSONObjectID(bytes: Array(0..<12))),
        "datetime": .datetime(-1),
        "regex": .regex(pattern: "^a.c$", options: "im"),
        "timestamp": .timestamp(increment: 1, seconds: 2),
        "decimal": .decimal128(BSONDecimal128(bytes: Array(repeating: 1, count: 16))),
        "min": .minKey,
        "max": .maxKey,
        "array": [1, "two", [3], ["four": 4]],
        "document": ["nested": ["deeper": .int32(1)]],
        "": "empty key",
    ]

    @Test func bytesRoundTrip() throws {
        let bytes = try Self.sample.bytes()
        #expect(try BSONDocument(bytes: bytes) == Self.sample)
        #expect(Self.sample.encodedSize == bytes.count)
        let big: BSONDocument = [
            "a": .array(Array(repeating: "x", count: 1234)), "b": ["c": .string(String(repeating: "é", count: 99))],
        ]
        #expect(big.encodedSize == (try big.bytes().count))
    }

    @Test func libbsonAgreesOnTheBytes() throws {
        // Through a bson_t owned by libbson and back: same document, same bytes.
        let owned = try OwnedBSON(Self.sample)
        #expect(try owned.document() == Self.sample)
        #expect(try owned.document().bytes() == Self.sample.bytes())
    }

    @Test func malformedInputIsRefused() throws {
        let bytes = try Self.sample.bytes()
        for cut in [0, 4, 5, bytes.count / 2, bytes.count - 1] {
            #expect(throws: BSONError.self) { try BSONDocument(bytes: bytes.prefix(cut)) }
        }
        #expect(throws: BSONError.self) { try BSONDocument(bytes: bytes + [0]) }
        var invalidUTF8 = try (["k": "é"] as BSONDocument).bytes()
        invalidUTF8[invalidUTF8.count - 3] = 0xFF
        #expect(throws: BSONError.self) { try BSONDocument(bytes: invalidUTF8) }
        #expect(throws: BSONError.self) { try (["a\u{0}b": 1] as BSONDocument).bytes() }
    }

    @Test func codableRoundTripKeepsIntegersAndScalars() throws {
        struct Record: Codable, Equatable {
            var int: Int
            var int64: Int64
            var uint8: UInt8
            var double: Double
            var flag: Bool
            var text: String
            var optional: String?
            var missing: Int?
            var list: [Int64]
            var nested: [String: [Int]]
            var data: Data
            var set: Set<String>
        }
        let record = Record(
            int: Int.max, int64: Int64.min, uint8: 255, double: 1.5, flag: true, text: "e\u{301}\u{0}😀",
            optional: "x", missing: nil, list: [1, -2], nested: ["a.b": [1], "$x": [], "\u{0}": [2]],
            data: Data([0, 255]), set: ["b", "a"])
        let document = try BSONEncoder().encode(record)
        #expect(document["missing"] == nil, "nil is omitted")
        #expect(document["int64"] == .int64(Int64.min))
        // Dictionary keys are data, not field names.
        #expect(document["nested"]?.arrayValue?.count == 3)
        let decoded = try BSONDecoder().decode(Record.self, from: document)
        #expect(decoded == record)
        #expect(Array(decoded.text.unicodeScalars) == Array(record.text.unicodeScalars))
        // Through bytes too.
        #expect(try BSONDecoder().decode(Record.self, from: BSONDocument(bytes: document.bytes())) == record)
    }

    @Test func decodingIsStrictAboutTypes() throws {
        struct Flag: Decodable { var flag: Bool }
        struct Count: Decodable { var count: Int8 }
        #expect(throws: DecodingError.self) { try BSONDecoder().decode(Flag.self, from: ["flag": 1]) }
        #expect(throws: DecodingError.self) { try BSONDecoder().decode(Count.self, from: ["count": 300]) }
        #expect(throws: DecodingError.self) { try BSONDecoder().decode(Count.self, from: ["count": "1"]) }
        #expect(try BSONDecoder().decode(Count.self, from: ["count": .int32(-3)]).count == -3)
    }

    @Test func ticketsAndChangesRoundTrip() throws {
        var ticket = Ticket(
            id: TicketID("tkt_1"), subject: "Café ☕", description: "line\u{0}two", requester: UserID("usr_1"),
            tags: ["vip", "größe"], createdAt: Timestamp(millisecondsSince1970: 1_750_000_000_000))
        ticket.clientSequences = ["client.with.dots": ClientSequence(seq: 3, version: 9), "$dollar": .init(seq: 1, version: 1)]
        ticket.history = [
            HistoryEntry(version: 0, actor: UserID("usr_1"), at: ticket.createdAt, field: "created", isPublic: true)
        ]
        let decoded = try BSONDecoder().decode(Ticket.self, from: BSONEncoder().encode(ticket))
        #expect(decoded == ticket)
        var operation = TextOperation()
        operation.retain(2)
        operation.delete(1)
        operation.insert("😀")
        for change in [
            TicketChange.text(.description, operation), .subject("S"), .assignee(nil), .team(TeamID("tea_1")),
            .tags(try TagOperation(adding: ["a"], removing: ["b"])),
        ] {
            #expect(try BSONDecoder().decode(TicketChange.self, fromValue: BSONEncoder().encodeValue(change)) == change)
        }
    }
}
