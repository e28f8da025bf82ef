// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdWebSocket
import NIOCore

/// Reassembles client messages from WebSocket data frames, with `live.maxMessageBytes`
/// applied to the whole message.
///
/// The WebSocket library's own reassembly ends a fragmented message over the limit with a
/// normal close; the protocol promises 1009 (message too big), whatever the fragmentation.
struct MessageAssembler {
    /// Why the connection must close, with the RFC 6455 code to close with.
    enum Failure: Error, Equatable {
        /// The message would exceed the limit: 1009.
        case tooLarge
        /// A continuation without a message to continue, or a new message inside one: 1002.
        case outOfSequence

        var closeCode: UInt16 {
            switch self {
            case .tooLarge: 1009
            case .outOfSequence: 1002
            }
        }
    }

    let maxBytes: Int
    private var opcode: WebSocketDataFrame.Opcode?
    private var buffer = ByteBuffer()

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Adds a frame; returns the message it completes, if any.
    mutating func add(_ frame: WebSocketDataFrame) throws(Failure) -> WebSocketMessage? {
        try add(frame.opcode, frame.data, fin: frame.fin)
    }

    /// Adds a frame given by its parts; returns the message it completes, if any.
    mutating func add(
        _ frameOpcode: WebSocketDataFrame.Opcode, _ data: ByteBuffer, fin: Bool
    ) throws(Failure) -> WebSocketMessage? {
        switch frameOpcode {
        case .text, .binary:
            guard opcode == nil else { throw .outOfSequence }
            opcode = frameOpcode
            buffer.clear()
        case .continuation:
            guard opcode != nil else { throw .outOfSequence }
        }
        guard buffer.readableBytes + data.readableBytes <= maxBytes else { throw .tooLarge }
        if fin && buffer.readableBytes == 0 {
            // The usual case, one frame: no copy.
            defer { opcode = nil }
            return opcode == .text ? .text(String(buffer: data)) : .binary(data)
        }
        var data = data
        buffer.writeBuffer(&data)
        guard fin else { return nil }
        defer {
            opcode = nil
            buffer = ByteBuffer()
        }
        return opcode == .text ? .text(String(buffer: buffer)) : .binary(buffer)
    }
}
