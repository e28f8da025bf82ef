// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import NIOCore
import TandemCore
import TandemTestSupport
import Testing

@testable import TandemServer

/// The frames written and read by hand on the op path agree with Foundation's JSON.
@Suite("Hot-path frames")
struct HotPathFrameTests {
    /// Characters that exercise every branch of the escaper.
    private static let alphabet: [Character] = [
        "a", "Z", "0", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{08}", "\u{0C}", "\u{00}", "\u{01}", "\u{1F}",
        "\u{7F}", "é", "ß", "€", "\u{2028}", "😀", "👩‍💻", ":",
    ]

    private static func randomString(_ rng: inout SplitMix64) -> String {
        String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }

    @Test("JSONText writes every string byte for byte as JSONEncoder does, for 2,000 random strings")
    func stringsMatchEncoder() throws {
        var rng = SplitMix64(seed: 0x5EED_01)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        for _ in 0..<2_000 {
            let string = Self.randomString(&rng)
            var buffer = ByteBuffer()
            JSONText.write(string, to: &buffer)
            let reference = String(decoding: try encoder.encode([string]), as: UTF8.self).dropFirst().dropLast()
            #expect(String(buffer: buffer) == String(reference))
        }
    }

    @Test("a hand-written ack is the JSON of the encoded one, for 2,000 random fields")
    func ackMatchesEncoder() throws {
        var rng = SplitMix64(seed: 0x7A9D_E1)
        func object(_ buffer: ByteBuffer) throws -> NSDictionary {
            try #require(JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? NSDictionary)
        }
        for _ in 0..<2_000 {
            let topic = "ticket:" + Self.randomString(&rng)
            let client: String? = Bool.random(using: &rng) ? Self.randomString(&rng) : nil
            let seq: Int64? = Bool.random(using: &rng) ? Int64.random(in: 0...Int64.max, using: &rng) : nil
            let version = Int64.random(in: 0...Int64.max, using: &rng)
            let fast = ServerFrame.ack(topic: topic, client: client, seq: seq, version: version)
            let reference = ServerFrame.encodedAck(topic: topic, client: client, seq: seq, version: version)
            #expect(try object(fast) == object(reference))
        }
    }

    @Test("an op frame decodes in one pass; a bad frame is still explained")
    func clientFrameErrors() throws {
        let op =
            #"{"type":"op","topic":"ticket:t1","client":"c","seq":3,"v":7,"op":{"kind":"text","field":"description","op":["x"]},"ref":"r1"}"#
        if case .op(let topic, let client, let seq, let version, _) = try ClientFrame.decode(op).0 {
            #expect(topic == .ticket(TicketID("t1")) && client == "c" && seq == 3 && version == 7)
        } else {
            Issue.record("not an op")
        }
        func error(_ text: String) -> ProtocolError? {
            do {
                _ = try ClientFrame.decode(text)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("{not json")?.code == "invalid_json")
        #expect(error(#""a string""#)?.code == "invalid_json")
        let array = error("[1,2]")
        #expect(array?.code == "invalid_message" && array?.message == "A frame must be a JSON object.")
        let missing = error(#"{"type":"op","topic":"ticket:t1","client":"c","seq":"x","v":1,"ref":"r9"}"#)
        #expect(missing?.code == "invalid_message")
        #expect(missing?.ref == "r9" && missing?.topic == "ticket:t1")
        #expect(missing?.message.hasPrefix("seq") == true, "\(String(describing: missing))")
    }
}
