// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

/// The field limits that an `op` frame shares with the REST API (docs/API.md, "Field limits"),
/// over a real socket: accepted at the limit; one past it, or with a control character,
/// `invalid_value`, with the ticket unchanged and the connection open.
@Suite("Field limits over real WebSockets")
struct FieldLimitTests {
    struct OpCase: Sendable, CustomTestStringConvertible {
        var field: String
        var atLimit: @Sendable () -> [String: any Sendable]
        var refused: [@Sendable () -> [String: any Sendable]]
        /// `true`: a comment request; otherwise a change.
        var comment = false
        var testDescription: String { field }
    }

    static func text(_ count: Int, _ unit: String = "x") -> String { String(repeating: unit, count: count) }

    static let cases: [OpCase] = [
        OpCase(
            field: "tag", atLimit: { ["kind": "tags", "add": [text(FieldLimits.tagScalars, "é")]] },
            refused: [
                { ["kind": "tags", "add": [text(FieldLimits.tagScalars + 1)]] },
                { ["kind": "tags", "add": ["bug\u{7}"]] },
                { ["kind": "tags", "remove": ["a\u{0}b"]] },
            ]),
        OpCase(
            field: "tags per op", atLimit: { ["kind": "tags", "add": (0..<FieldLimits.tagsPerRequest).map { "t\($0)" }] },
            refused: [{ ["kind": "tags", "remove": (0...FieldLimits.tagsPerRequest).map { "t\($0)" }] }]),
        OpCase(
            field: "subject", atLimit: { ["kind": "set", "field": "subject", "value": text(FieldLimits.subjectScalars)] },
            refused: [
                { ["kind": "set", "field": "subject", "value": text(FieldLimits.subjectScalars + 1)] },
                { ["kind": "set", "field": "subject", "value": "Printer\u{1B}"] },
            ]),
        OpCase(
            field: "mentions",
            atLimit: {
                ["body": "hi", "visibility": "internal", "mentions": (0..<FieldLimits.mentionsPerComment).map { "usr_\($0)" }]
            },
            refused: [
                {
                    [
                        "body": "hi", "visibility": "internal",
                        "mentions": (0...FieldLimits.mentionsPerComment).map { "usr_\($0)" },
                    ]
                },
                { ["body": "hi", "visibility": "internal", "mentions": ["usr_\u{9}"]] },
                { ["body": "hi", "visibility": "internal", "mentions": ["usr_" + text(FieldLimits.identifierBytes)]] },
            ], comment: true),
    ]

    @Test(arguments: cases)
    func opFieldLimit(_ field: OpCase) async throws {
        try await BadInputTests.withSetup { setup in
            for refused in field.refused {
                let answer =
                    field.comment
                    ? try await setup.writer.submit(comment: refused()) : try await setup.writer.submit(op: refused())
                #expect(answer.type == "error")
                #expect(answer.code == "invalid_value", "\(answer)")
            }
            try await BadInputTests.expectUnharmed(setup)
            let accepted =
                field.comment
                ? try await setup.writer.submit(comment: field.atLimit()) : try await setup.writer.submit(op: field.atLimit())
            #expect(accepted.type == "ack", "\(accepted)")
        }
    }
}
