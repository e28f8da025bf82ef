// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import Testing

@testable import TandemServer

/// The protocol's own fields against their limits (docs/PROTOCOL.md 8, docs/API.md "Field limits"):
/// accepted at the limit, the typed protocol error one past it and with a control character.
/// Fields a frame shares with the REST API (subject, tags, comment body, mentions) are checked
/// by the same TandemCore rules; TandemLiveTests sends those over a real socket.
@Suite struct ProtocolFieldLimitsTests {
    struct FrameCase: Sendable, CustomTestStringConvertible {
        var field: String
        /// The frame with `value` in the field.
        var frame: @Sendable (String) -> [String: any Sendable]
        var atLimit: String
        var overLimit: String
        var control: String?
        var code: ProtocolError.Code
        var testDescription: String { field }
    }

    static let ticket = "tkt_01JD9A0B1C2D3E4F5G6H7J8K9M"
    static func text(_ count: Int, _ unit: String = "x") -> String { String(repeating: unit, count: count) }

    static let cases: [FrameCase] = [
        FrameCase(
            field: "ref", frame: { ["type": "ping", "ref": $0] }, atLimit: text(FieldLimits.refBytes),
            overLimit: text(FieldLimits.refBytes + 1), control: "r\u{1}", code: .invalidMessage),
        FrameCase(
            field: "client",
            frame: {
                [
                    "type": "op", "topic": "ticket:\(ticket)", "client": $0, "seq": 1, "v": 0,
                    "op": ["kind": "set", "field": "priority", "value": "high"],
                ]
            },
            atLimit: text(FieldLimits.clientBytes / 2, "é"), overLimit: text(FieldLimits.clientBytes + 1),
            control: "c\u{7F}", code: .invalidMessage),
        FrameCase(
            field: "token", frame: { ["type": "auth", "token": $0] }, atLimit: text(FieldLimits.tokenBytes),
            overLimit: text(FieldLimits.tokenBytes + 1), control: nil, code: .invalidMessage),
        FrameCase(
            field: "topic", frame: { ["type": "subscribe", "topic": $0] },
            atLimit: "ticket:" + text(FieldLimits.topicCharacters - 7),
            overLimit: "ticket:" + text(FieldLimits.topicCharacters - 6),
            control: nil, code: .unknownTopic),
    ]

    private func decode(_ object: [String: any Sendable]) throws(ProtocolError) -> ClientFrame {
        let data = (try? JSONSerialization.data(withJSONObject: object)) ?? Data()
        return try ClientFrame.decode(String(decoding: data, as: UTF8.self)).0
    }

    @Test(arguments: cases)
    func frameFieldLimit(_ field: FrameCase) throws {
        _ = try decode(field.frame(field.atLimit))
        do {
            _ = try decode(field.frame(field.overLimit))
            Issue.record("\(field.field) over the limit was accepted")
        } catch {
            #expect(error.code == field.code.rawValue, "\(error.message)")
        }
        if let control = field.control {
            do {
                _ = try decode(field.frame(control))
                Issue.record("\(field.field) with a control character was accepted")
            } catch {
                #expect(error.code == field.code.rawValue, "\(error.message)")
            }
        }
    }
}
