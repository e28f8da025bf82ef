// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore

/// RFC 6455 opcodes a client may send.
enum WebSocketOpcode: UInt8, Sendable {
    case continuation = 0x0
    case text = 0x1
    case binary = 0x2
    case close = 0x8
    case ping = 0x9
    case pong = 0xA

    var isControl: Bool { rawValue & 0x8 != 0 }
}

/// One client frame, unmasked.
struct WebSocketFrameIn: Sendable {
    var fin: Bool
    var opcode: WebSocketOpcode
    var payload: ByteBuffer
}

/// Why a byte stream is not a valid sequence of client frames, with the close code it earns.
enum WebSocketFrameError: Error, Equatable {
    /// An unmasked client frame, reserved bits set, an unknown opcode, a fragmented or
    /// oversized control frame, a non-minimal or negative 64-bit length: 1002.
    case protocolViolation(String)
    /// A frame longer than the limit: 1009.
    case tooLarge

    var closeCode: UInt16 {
        switch self {
        case .protocolViolation: 1002
        case .tooLarge: 1009
        }
    }

    var reason: String {
        switch self {
        case .protocolViolation(let reason): reason
        case .tooLarge: "message too big"
        }
    }
}

/// Splits the bytes of a client connection into frames (RFC 6455 §5.2), checking every rule
/// a server must enforce. No extension is negotiated, so every reserved bit must be clear.
///
/// Memory: between frames the parser holds nothing; a partial frame is kept in one buffer,
/// at most `maxFrameBytes` plus a 14-byte header, which is released once the frame completes.
struct WebSocketFrameParser {
    let maxFrameBytes: Int
    private var pending: ByteBuffer?

    init(maxFrameBytes: Int) {
        self.maxFrameBytes = maxFrameBytes
    }

    /// Bytes held for a partial frame.
    var bufferedBytes: Int { pending?.readableBytes ?? 0 }

    /// Adds bytes read from the socket and returns the frames they complete, in order.
    /// After an error the connection must be failed: the parser is not used again.
    mutating func parse(_ bytes: ByteBuffer) throws(WebSocketFrameError) -> [WebSocketFrameIn] {
        var buffer: ByteBuffer
        if var held = pending {
            var bytes = bytes
            held.writeBuffer(&bytes)
            buffer = held
            pending = nil
        } else {
            buffer = bytes
        }
        var frames: [WebSocketFrameIn] = []
        while let frame = try next(&buffer) { frames.append(frame) }
        if buffer.readableBytes > 0 {
            // Keep only the unread part, in a buffer of its own (not a slice pinning the read).
            var rest = ByteBufferAllocator().buffer(capacity: buffer.readableBytes)
            rest.writeBuffer(&buffer)
            pending = rest
        }
        return frames
    }

    /// Reads one complete frame from the front of `buffer`, or nothing when it is incomplete
    /// (then nothing is consumed).
    private func next(_ buffer: inout ByteBuffer) throws(WebSocketFrameError) -> WebSocketFrameIn? {
        let start = buffer.readerIndex
        guard let first = buffer.getInteger(at: start, as: UInt8.self),
            let second = buffer.getInteger(at: start + 1, as: UInt8.self)
        else { return nil }
        guard first & 0x70 == 0 else { throw .protocolViolation("reserved bits set") }
        guard let opcode = WebSocketOpcode(rawValue: first & 0x0F) else { throw .protocolViolation("unknown opcode") }
        let fin = first & 0x80 != 0
        guard second & 0x80 != 0 else { throw .protocolViolation("unmasked client frame") }
        var headerLength = 2
        var length = Int(second & 0x7F)
        if opcode.isControl {
            guard fin else { throw .protocolViolation("fragmented control frame") }
            guard length <= 125 else { throw .protocolViolation("control frame too long") }
        }
        if length == 126 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt16.self) else { return nil }
            guard extended >= 126 else { throw .protocolViolation("non-minimal length") }
            length = Int(extended)
            headerLength = 4
        } else if length == 127 {
            guard let extended = buffer.getInteger(at: start + 2, as: UInt64.self) else { return nil }
            guard extended >> 63 == 0 else { throw .protocolViolation("negative length") }
            guard extended > 0xFFFF else { throw .protocolViolation("non-minimal length") }
            guard extended <= UInt64(maxFrameBytes) else { throw .tooLarge }
            length = Int(extended)
            headerLength = 10
        }
        guard length <= maxFrameBytes else { throw .tooLarge }
        guard let mask = buffer.getInteger(at: start + headerLength, as: UInt32.self) else { return nil }
        headerLength += 4
        guard buffer.readableBytes >= headerLength + length else { return nil }
        buffer.moveReaderIndex(forwardBy: headerLength)
        var payload = buffer.readSlice(length: length)!
        Self.unmask(&payload, key: mask)
        return WebSocketFrameIn(fin: fin, opcode: opcode, payload: payload)
    }

    /// XORs the payload with the 4-byte masking key (big-endian, as on the wire).
    static func unmask(_ payload: inout ByteBuffer, key: UInt32) {
        guard payload.readableBytes > 0 else { return }
        let keyBytes = (
            UInt8(key >> 24), UInt8(truncatingIfNeeded: key >> 16), UInt8(truncatingIfNeeded: key >> 8),
            UInt8(truncatingIfNeeded: key)
        )
        let wide = UInt64(key) << 32 | UInt64(key)
        let wideKey = UInt64(bigEndian: wide)
        payload.withUnsafeMutableReadableBytes { raw in
            let count = raw.count
            var index = 0
            // Eight bytes at a time; the key repeats every four, so the phase stays aligned.
            while index + 8 <= count {
                let word = raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) ^ wideKey
                raw.storeBytes(of: word, toByteOffset: index, as: UInt64.self)
                index += 8
            }
            while index < count {
                let k: UInt8
                switch index & 3 {
                case 0: k = keyBytes.0
                case 1: k = keyBytes.1
                case 2: k = keyBytes.2
                default: k = keyBytes.3
                }
                raw[index] ^= k
                index += 1
            }
        }
    }
}
