// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore

/// A complete server-to-client WebSocket text frame: header and payload in one buffer.
///
/// Server frames are never masked, so the bytes are the same for every recipient: a
/// broadcast is framed once and the same buffer (copy-on-write, never copied) is written
/// to every subscriber's socket, bypassing the per-connection frame encoder.
struct OutboundFrame: Sendable {
    /// Header followed by payload, ready for the socket.
    let bytes: ByteBuffer
    /// The length of the WebSocket header at the start of ``bytes``.
    let headerLength: Int

    /// Frames `payload` (UTF-8 JSON) as one unfragmented text message.
    init(text payload: ByteBuffer) {
        self.init(opcode: .text, payload: payload)
    }

    /// Frames `payload` as one unfragmented frame of `opcode` (FIN set, unmasked).
    init(opcode: WebSocketOpcode, payload: ByteBuffer) {
        let length = payload.readableBytes
        let headerLength = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10
        var bytes = ByteBufferAllocator().buffer(capacity: headerLength + length)
        bytes.writeInteger(UInt8(0x80 | opcode.rawValue))
        switch headerLength {
        case 2: bytes.writeInteger(UInt8(length))
        case 4:
            bytes.writeInteger(UInt8(126))
            bytes.writeInteger(UInt16(length))
        default:
            bytes.writeInteger(UInt8(127))
            bytes.writeInteger(UInt64(length))
        }
        bytes.writeImmutableBuffer(payload)
        self.bytes = bytes
        self.headerLength = headerLength
    }

    /// A ping with an empty payload.
    static let ping = OutboundFrame(opcode: .ping, payload: ByteBuffer())

    /// A pong echoing a ping's payload.
    static func pong(_ payload: ByteBuffer) -> OutboundFrame { OutboundFrame(opcode: .pong, payload: payload) }

    /// A close frame with a status code and a reason (cut to fit the 125-byte control frame limit).
    static func close(code: UInt16, reason: String) -> OutboundFrame {
        var payload = ByteBufferAllocator().buffer(capacity: 2 + reason.utf8.count)
        payload.writeInteger(code)
        var utf8 = Array(reason.utf8.prefix(123))
        while !utf8.isEmpty, String(validating: utf8, as: UTF8.self) == nil { utf8.removeLast() }
        payload.writeBytes(utf8)
        return OutboundFrame(opcode: .close, payload: payload)
    }

    /// The frame's payload (no copy).
    var payload: ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + headerLength, length: bytes.readableBytes - headerLength) ?? ByteBuffer()
    }

    /// Bytes on the wire.
    var count: Int { bytes.readableBytes }
}
