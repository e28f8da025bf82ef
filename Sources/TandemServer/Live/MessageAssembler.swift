// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore

/// Reassembles client messages from WebSocket data frames, with `live.maxMessageBytes`
/// applied to the whole message, and checks that text messages are UTF-8.
struct MessageAssembler {
    /// A complete client message.
    enum Message: Equatable {
        case text(String)
        case binary(ByteBuffer)
    }

    /// Why the connection must close, with the RFC 6455 code to close with.
    enum Failure: Error, Equatable {
        /// The message would exceed the limit: 1009.
        case tooLarge
        /// A continuation without a message to continue, or a new message inside one: 1002.
        case outOfSequence
        /// A text message that is not valid UTF-8: 1007.
        case invalidUTF8

        var closeCode: UInt16 {
            switch self {
            case .tooLarge: 1009
            case .outOfSequence: 1002
            case .invalidUTF8: 1007
            }
        }

        var reason: String {
            switch self {
            case .tooLarge: "message too big"
            case .outOfSequence: "protocol error"
            case .invalidUTF8: "invalid UTF-8"
            }
        }
    }

    let maxBytes: Int
    /// The opcode of the message being assembled (`.text` or `.binary`); nil between messages.
    private var opcode: WebSocketOpcode?
    private var buffer: ByteBuffer?

    init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    /// Bytes held for a fragmented message.
    var bufferedBytes: Int { buffer?.readableBytes ?? 0 }

    /// Adds a data frame (text, binary or continuation); returns the message it completes, if any.
    mutating func add(_ frameOpcode: WebSocketOpcode, _ data: ByteBuffer, fin: Bool) throws(Failure) -> Message? {
        switch frameOpcode {
        case .text, .binary:
            guard opcode == nil else { throw .outOfSequence }
        case .continuation:
            guard opcode != nil else { throw .outOfSequence }
        case .close, .ping, .pong:
            preconditionFailure("control frames are not part of messages")
        }
        let held = buffer?.readableBytes ?? 0
        guard held + data.readableBytes <= maxBytes else { throw .tooLarge }
        if fin && held == 0 {
            // The usual case, one frame: no copy.
            let kind = frameOpcode == .continuation ? opcode! : frameOpcode
            opcode = nil
            buffer = nil
            return try Self.message(kind, data)
        }
        if frameOpcode != .continuation { opcode = frameOpcode }
        var data = data
        if buffer == nil { buffer = ByteBufferAllocator().buffer(capacity: data.readableBytes) }
        buffer!.writeBuffer(&data)
        guard fin else { return nil }
        let complete = buffer!
        let kind = opcode!
        opcode = nil
        buffer = nil
        return try Self.message(kind, complete)
    }

    private static func message(_ opcode: WebSocketOpcode, _ data: ByteBuffer) throws(Failure) -> Message {
        guard opcode == .text else { return .binary(data) }
        let text: String? = data.withUnsafeReadableBytes { String(validating: $0, as: UTF8.self) }
        guard let text else { throw .invalidUTF8 }
        return .text(text)
    }
}
