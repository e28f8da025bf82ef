// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import NIOEmbedded
import NIOWebSocket
import TandemActors
import Testing

@testable import TandemServer

@Suite("Frame writer")
struct FrameWriterTests {
    /// A channel shaped like an upgraded WebSocket: the frame encoder (and the writer in front of it).
    func channel(for connection: Connection) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(WebSocketFrameEncoder())
        try FrameWriter.install(in: channel, for: connection)
        return channel
    }

    func connection() -> Connection {
        Connection(address: SubscriberAddress(node: "test", connection: 1), limits: OutboundLimits(), onResync: {})
    }

    /// Reads everything written to the socket, as one byte string.
    func written(_ channel: EmbeddedChannel) throws -> [UInt8] {
        var bytes: [UInt8] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) {
            bytes += buffer.readBytes(length: buffer.readableBytes) ?? []
        }
        return bytes
    }

    @Test("queued frames reach the socket framed once, in order, past the encoder")
    func framesAreWrittenInOrder() throws {
        let connection = connection()
        let channel = try channel(for: connection)
        let payloads = [#"{"type":"hello"}"#, String(repeating: "x", count: 300), String(repeating: "y", count: 70_000)]
        for payload in payloads { connection.enqueue(ByteBuffer(string: payload), topic: nil) }
        channel.embeddedEventLoop.run()
        var expected: [UInt8] = []
        for payload in payloads {
            let frame = OutboundFrame(text: ByteBuffer(string: payload))
            expected += frame.bytes.getBytes(at: frame.bytes.readerIndex, length: frame.count) ?? []
        }
        #expect(try written(channel) == expected)
        #expect(connection.queuedFrames == 0)
        _ = try? channel.finish()
    }

    @Test("frame headers follow RFC 6455 for each length class")
    func headers() {
        for (length, header) in [(5, [0x81, 5]), (126, [0x81, 126, 0, 126]), (65_536, [0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0])] {
            let frame = OutboundFrame(text: ByteBuffer(repeating: 0x61, count: length))
            #expect(frame.bytes.getBytes(at: frame.bytes.readerIndex, length: header.count) == header.map(UInt8.init))
            #expect(frame.headerLength == header.count)
            #expect(frame.payload.readableBytes == length)
        }
    }

    @Test("other writes pass through the writer and the encoder unchanged")
    func controlFramesPassThrough() throws {
        let connection = connection()
        let channel = try channel(for: connection)
        try channel.writeOutbound(WebSocketFrame(fin: true, opcode: .pong, data: ByteBuffer()))
        #expect(try written(channel) == [0x8A, 0x00])
        _ = try? channel.finish()
    }
}
