// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import Testing

@testable import TandemServer

@Suite("Reassembling client messages")
struct MessageAssemblerTests {
    func text(_ message: MessageAssembler.Message?) -> String? {
        if case .text(let text) = message { text } else { nil }
    }

    @Test("one frame, and fragments up to the limit, make one message each")
    func reassembles() throws {
        var assembler = MessageAssembler(maxBytes: 10)
        #expect(text(try assembler.add(.text, ByteBuffer(string: "0123456789"), fin: true)) == "0123456789")
        #expect(try assembler.add(.text, ByteBuffer(string: "012"), fin: false) == nil)
        #expect(try assembler.add(.continuation, ByteBuffer(string: "345"), fin: false) == nil)
        #expect(text(try assembler.add(.continuation, ByteBuffer(string: "6789"), fin: true)) == "0123456789")
        // Multi-byte scalars split across fragments come out whole.
        let bytes = Array("é€".utf8)
        #expect(try assembler.add(.text, ByteBuffer(bytes: bytes[0..<2 + 1]), fin: false) == nil)
        #expect(text(try assembler.add(.continuation, ByteBuffer(bytes: bytes[3...]), fin: true)) == "é€")
    }

    @Test("fragments adding up to more than the limit are refused as too large (1009)")
    func tooLarge() throws {
        var assembler = MessageAssembler(maxBytes: 10)
        _ = try assembler.add(.text, ByteBuffer(string: "012345"), fin: false)
        #expect(throws: MessageAssembler.Failure.tooLarge) {
            try assembler.add(.continuation, ByteBuffer(string: "6789X"), fin: true)
        }
        #expect(MessageAssembler.Failure.tooLarge.closeCode == 1009)
    }

    @Test("a continuation with nothing to continue, or a new message inside one, is a protocol error (1002)")
    func outOfSequence() throws {
        var assembler = MessageAssembler(maxBytes: 10)
        #expect(throws: MessageAssembler.Failure.outOfSequence) {
            try assembler.add(.continuation, ByteBuffer(string: "x"), fin: true)
        }
        var inside = MessageAssembler(maxBytes: 10)
        _ = try inside.add(.text, ByteBuffer(string: "a"), fin: false)
        #expect(throws: MessageAssembler.Failure.outOfSequence) { try inside.add(.binary, ByteBuffer(string: "b"), fin: true) }
        #expect(MessageAssembler.Failure.outOfSequence.closeCode == 1002)
    }

    @Test("a text message that is not UTF-8 is refused (1007), whole or split across fragments")
    func invalidUTF8() throws {
        var assembler = MessageAssembler(maxBytes: 100)
        #expect(throws: MessageAssembler.Failure.invalidUTF8) {
            try assembler.add(.text, ByteBuffer(bytes: [0x7B, 0xC3, 0x28, 0x7D]), fin: true)
        }
        var fragmented = MessageAssembler(maxBytes: 100)
        _ = try fragmented.add(.text, ByteBuffer(bytes: [0x7B, 0xE2, 0x82]), fin: false)
        #expect(throws: MessageAssembler.Failure.invalidUTF8) {
            try fragmented.add(.continuation, ByteBuffer(bytes: [0x7D]), fin: true)
        }
        #expect(MessageAssembler.Failure.invalidUTF8.closeCode == 1007)
        // Binary messages are not text: any bytes.
        var binary = MessageAssembler(maxBytes: 100)
        #expect(try binary.add(.binary, ByteBuffer(bytes: [0xFF]), fin: true) == .binary(ByteBuffer(bytes: [0xFF])))
    }
}
