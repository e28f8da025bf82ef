// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import Testing

@testable import TandemServer

@Suite("Parsing client WebSocket frames (RFC 6455 §5)")
struct WebSocketFrameParserTests {
    static func frame(
        _ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0
    ) -> [UInt8] {
        RawSocket.clientFrame(opcode, payload, fin: fin, masked: masked, rsv: rsv)
    }

    @Test("masked frames of every length class come out unmasked, also when split at every byte")
    func lengthsAndSplits() throws {
        for length in [0, 1, 7, 8, 9, 125, 126, 127, 1000, 65_535, 65_536, 70_001] {
            let payload = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let wire = Self.frame(0x1, payload)
            var whole = WebSocketFrameParser(maxFrameBytes: 1 << 20)
            let frames = try whole.parse(ByteBuffer(bytes: wire))
            #expect(frames.count == 1)
            #expect(frames.first.map { Array($0.payload.readableBytesView) } == payload, "length \(length)")
            #expect(whole.bufferedBytes == 0)
            guard length <= 1000 else { continue }
            var split = WebSocketFrameParser(maxFrameBytes: 1 << 20)
            var out: [WebSocketFrameIn] = []
            for byte in wire { out += try split.parse(ByteBuffer(bytes: [byte])) }
            #expect(out.count == 1)
            #expect(out.first.map { Array($0.payload.readableBytesView) } == payload, "split, length \(length)")
        }
    }

    @Test("several frames in one read come out in order")
    func severalFrames() throws {
        var parser = WebSocketFrameParser(maxFrameBytes: 1024)
        let wire = Self.frame(0x1, Array("ab".utf8), fin: false) + Self.frame(0x9, [1, 2]) + Self.frame(0x0, Array("c".utf8))
        let frames = try parser.parse(ByteBuffer(bytes: wire))
        #expect(frames.map(\.opcode) == [.text, .ping, .continuation])
        #expect(frames.map(\.fin) == [false, true, true])
        #expect(frames.map { String(buffer: $0.payload) } == ["ab", "\u{1}\u{2}", "c"])
    }

    @Test("an unmasked client frame is a protocol error (1002)")
    func unmasked() {
        var parser = WebSocketFrameParser(maxFrameBytes: 1024)
        #expect(throws: WebSocketFrameError.protocolViolation("unmasked client frame")) {
            try parser.parse(ByteBuffer(bytes: Self.frame(0x1, Array("{}".utf8), masked: false)))
        }
        #expect(WebSocketFrameError.protocolViolation("x").closeCode == 1002)
    }

    @Test("reserved bits, unknown opcodes and bad control frames are protocol errors")
    func violations() {
        let cases: [[UInt8]] = [
            Self.frame(0x1, [0x41], rsv: 0x40),  // RSV1 without an extension
            Self.frame(0x3, [0x41]),  // reserved data opcode
            Self.frame(0xB, []),  // reserved control opcode
            Self.frame(0x9, [0x41], fin: false),  // fragmented ping
            Self.frame(0x8, Array(repeating: 0x41, count: 126)),  // control frame over 125 bytes
        ]
        for wire in cases {
            var parser = WebSocketFrameParser(maxFrameBytes: 1024)
            #expect(throws: WebSocketFrameError.self) { try parser.parse(ByteBuffer(bytes: wire)) }
        }
    }

    @Test("a frame over the limit is refused from its header alone (1009)")
    func tooLarge() {
        var parser = WebSocketFrameParser(maxFrameBytes: 100)
        let header: [UInt8] = [0x81, 0x80 | 127, 0, 0, 0, 1, 0, 0, 0, 0]  // 4 GiB announced, nothing sent
        #expect(throws: WebSocketFrameError.tooLarge) { try parser.parse(ByteBuffer(bytes: header)) }
        #expect(WebSocketFrameError.tooLarge.closeCode == 1009)
    }

    @Test("server control frames: close carries the code and a reason cut to 123 bytes on a character boundary")
    func closeFrame() {
        let frame = OutboundFrame.close(code: 4008, reason: String(repeating: "é", count: 100))
        let bytes = Array(frame.bytes.readableBytesView)
        #expect(bytes[0] == 0x88)
        #expect(Int(bytes[1]) <= 125)
        #expect(bytes[2] == 0x0F && bytes[3] == 0xA8)
        #expect(String(validating: bytes[4...], as: UTF8.self) != nil)
        #expect(Array(OutboundFrame.ping.bytes.readableBytesView) == [0x89, 0x00])
    }
}
