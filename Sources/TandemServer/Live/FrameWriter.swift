// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import NIOWebSocket

/// Writes a connection's queued frames to its socket, on the channel's event loop.
///
/// Sits in the pipeline just before (head side of) the WebSocket frame encoder: the
/// frames it writes are already framed (``OutboundFrame``), so they skip the encoder, and
/// everything else (pings, pongs and the close frame of the WebSocket handler) passes
/// through it unchanged. A drain writes what is queued and flushes once; it stops while
/// the channel is not writable and resumes when it is, so a slow reader's backlog stays
/// in the connection's bounded queue.
final class FrameWriter: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = NIOAny
    typealias InboundOut = NIOAny
    typealias OutboundIn = NIOAny
    typealias OutboundOut = ByteBuffer

    /// Bytes written per pass before writability is checked again.
    static let batchBytes = 256 * 1024

    private let connection: Connection
    private var context: ChannelHandlerContext?

    init(connection: Connection) {
        self.connection = connection
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    /// Writes queued frames while the channel is writable, one flush per pass.
    func drain() {
        // Without a context the channel is gone: the connection is being torn down.
        guard let context else { return }
        while context.channel.isWritable {
            guard let frames = connection.take(maxBytes: Self.batchBytes) else { return }
            for frame in frames { context.write(wrapOutboundOut(frame.bytes), promise: nil) }
            context.flush()
            connection.written()
        }
    }

    /// Adds a writer for `connection` to `channel`'s pipeline, before the frame encoder,
    /// and attaches it to the connection. Throws when the pipeline has no WebSocket encoder.
    static func install(on channel: any Channel, for connection: Connection) async throws {
        try await channel.eventLoop.submit { try install(in: channel, for: connection) }.get()
    }

    /// ``install(on:for:)`` on the channel's event loop.
    static func install(in channel: any Channel, for connection: Connection) throws {
        let eventLoop = channel.eventLoop
        let pipeline = channel.pipeline.syncOperations
        let encoder = try pipeline.handler(type: WebSocketFrameEncoder.self)
        let writer = FrameWriter(connection: connection)
        try pipeline.addHandler(writer, position: .before(encoder))
        connection.attach(Connection.Outlet(eventLoop: eventLoop, writer: NIOLoopBound(writer, eventLoop: eventLoop)))
    }
}
