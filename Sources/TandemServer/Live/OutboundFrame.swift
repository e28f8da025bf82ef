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
        let length = payload.readableBytes
        let headerLength = length < 126 ? 2 : length <= 0xFFFF ? 4 : 10
        var bytes = ByteBufferAllocator().buffer(capacity: headerLength + length)
        bytes.writeInteger(UInt8(0x81))  // FIN, opcode 1 (text)
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

    /// The frame's payload (no copy).
    var payload: ByteBuffer {
        bytes.getSlice(at: bytes.readerIndex + headerLength, length: bytes.readableBytes - headerLength) ?? ByteBuffer()
    }

    /// Bytes on the wire.
    var count: Int { bytes.readableBytes }
}
