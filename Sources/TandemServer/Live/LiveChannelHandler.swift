// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import TandemActors

/// The channel handler of one upgraded `/ws` connection: WebSocket framing both ways, the
/// heartbeat, the authentication deadline, the writing of the connection's outbound queue,
/// and the close, which always completes.
///
/// It is the only handler in the pipeline after the upgrade and the only thing a connection
/// holds while it is idle: no task, stream or continuation waits for it. Complete text
/// messages go to the ``LiveSession``, which handles them in order in a task that exists
/// only while it has messages; while it holds ``LiveSettings/inboundBacklog`` of them, the
/// socket is not read.
///
/// Invariants (all state is confined to the channel's event loop):
/// - Bytes from the socket are parsed (``WebSocketFrameParser``) and checked against RFC 6455
///   before anything else sees them; a violation fails the connection with 1002, 1007 or 1009.
/// - Frames go out only as whole frames: queued frames (``Connection``) while the channel is
///   writable, pongs only while it is writable (a client that pings without reading cannot
///   grow NIO's buffers), and the close frame last.
/// - Once a close begins, no client message is handed on, the socket is not read for data,
///   and the TCP connection is closed at the latest ``LiveSettings/closeTimeout`` later,
///   whatever is still queued; the queue's memory is released when the channel goes inactive.
/// - A connection that stays unwritable for two heartbeats, or answers no ping within one
///   heartbeat, is closed (1008 / 1001).
final class LiveChannelHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Bytes written per pass before writability is checked again.
    static let batchBytes = 256 * 1024

    private let session: LiveSession
    private let settings: LiveSettings
    private let heartbeats: HeartbeatWheels
    private var wheel: HeartbeatWheel?
    /// This connection's place in its loop's ``HeartbeatWheel`` (the wheel keeps them; -1: not in it).
    var wheelSlot = -1
    var wheelIndex = 0
    private var parser: WebSocketFrameParser
    private var assembler: MessageAssembler
    private var context: ChannelHandlerContext?
    private var phase = Phase.open
    /// The close frame to write once the queue is drained (a server-initiated close).
    private var pendingClose: OutboundFrame?
    private var closeDeadline: Scheduled<Void>?
    private var authenticationDeadline: Scheduled<Void>?
    /// Something arrived since the last heartbeat tick.
    private var heardFrom = true
    /// A ping was sent (or was due) at the last tick and nothing arrived since.
    private var pingOutstanding = false
    private var unwritableTicks = 0
    private var readingPaused = false
    private var released = false

    private enum Phase {
        case open
        /// Closing: the queue is being written, then the close frame; then waiting for the client's.
        case closing
        /// The channel is closed or closing at the TCP level.
        case closed
    }

    init(session: LiveSession, settings: LiveSettings, heartbeats: HeartbeatWheels) {
        self.session = session
        self.settings = settings
        self.heartbeats = heartbeats
        self.parser = WebSocketFrameParser(maxFrameBytes: settings.maxMessageBytes)
        self.assembler = MessageAssembler(maxBytes: settings.maxMessageBytes)
    }

    /// The connection's channel, while the handler is in its pipeline.
    var channel: (any Channel)? { context?.channel }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let loop = context.eventLoop
        session.connection.attach(Connection.Outlet(eventLoop: loop, handler: NIOLoopBound(self, eventLoop: loop)))
        let wheel = heartbeats.wheel(on: loop, period: settings.heartbeatSeconds)
        wheel.add(self)
        self.wheel = wheel
        if session.identity == nil {
            let bound = NIOLoopBound(self, eventLoop: loop)
            authenticationDeadline = loop.scheduleTask(in: TimeAmount(settings.authenticationTimeout)) {
                bound.value.authenticationTimedOut()
            }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        release()
        self.context = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        release()
        context.fireChannelInactive()
    }

    /// Cancels the timers, drops what is queued and buffered, and lets the session leave
    /// its subscriptions. Idempotent.
    private func release() {
        guard !released else { return }
        released = true
        phase = .closed
        wheel?.remove(self)
        wheel = nil
        authenticationDeadline?.cancel()
        authenticationDeadline = nil
        closeDeadline?.cancel()
        closeDeadline = nil
        pendingClose = nil
        parser = WebSocketFrameParser(maxFrameBytes: settings.maxMessageBytes)
        assembler = MessageAssembler(maxBytes: settings.maxMessageBytes)
        session.ended()
    }

    /// A graceful shutdown (NIO's quiesce event) closes with 1001 after the in-flight op; a
    /// client that half-closes its side is gone: nothing it could still say would be read.
    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is ChannelShouldQuiesceEvent {
            session.connection.signal(.close(code: CloseCode.goingAway, reason: "server shutting down"))
        } else if case .inputClosed = event as? ChannelEvent {
            closeNow()
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Inbound

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        heardFrom = true
        guard phase != .closed else { return }
        let frames: [WebSocketFrameIn]
        do {
            frames = try parser.parse(unwrapInboundIn(data))
        } catch {
            fail(code: error.closeCode, reason: error.reason)
            return
        }
        for frame in frames {
            guard phase != .closed else { return }
            handle(frame, context: context)
        }
    }

    private func handle(_ frame: WebSocketFrameIn, context: ChannelHandlerContext) {
        switch frame.opcode {
        case .ping:
            // Only the latest ping needs an answer (RFC 6455 §5.5.3): none while the client is not reading.
            if context.channel.isWritable && phase == .open {
                context.writeAndFlush(wrapOutboundOut(OutboundFrame.pong(frame.payload).bytes), promise: nil)
            }
        case .pong:
            pingOutstanding = false
        case .close:
            clientClosed(frame.payload, context: context)
        case .text, .binary, .continuation:
            guard phase == .open else { return }
            let message: MessageAssembler.Message?
            do {
                message = try assembler.add(frame.opcode, frame.payload, fin: frame.fin)
            } catch {
                fail(code: error.closeCode, reason: error.reason)
                return
            }
            switch message {
            case .text(let text):
                if !session.receive(text) { pauseReading() }
            case .binary:
                session.reject(ProtocolError(.invalidMessage, "Send JSON text frames."))
            case nil:
                break
            }
        }
    }

    /// The client sent a close frame: answer it (echoing a valid code) unless ours went out, then close TCP.
    private func clientClosed(_ payload: ByteBuffer, context: ChannelHandlerContext) {
        if phase == .open {
            var payload = payload
            let code = payload.readInteger(as: UInt16.self)
            let reply = OutboundFrame.close(code: code.map(Self.echoable) ?? 1000, reason: "")
            phase = .closing
            session.closing()
            context.writeAndFlush(wrapOutboundOut(reply.bytes), promise: nil)
        }
        closeNow()
    }

    /// A code the server may send back: the client's own when it is one a peer may send, 1002 otherwise.
    private static func echoable(_ code: UInt16) -> UInt16 {
        switch code {
        case 1000...1003, 1007...1011, 3000...4999: code
        default: 1002
        }
    }

    // MARK: Backpressure

    private func pauseReading() {
        guard !readingPaused, let context else { return }
        readingPaused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    /// The session's backlog went down: read again.
    func resumeReading() {
        guard readingPaused, let context, phase != .closed else { return }
        readingPaused = false
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        context.read()
    }

    // MARK: Outbound

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    /// Writes queued frames while the channel is writable, one flush per pass; once closing
    /// and drained, the close frame.
    func drain() {
        guard let context, phase != .closed else { return }
        while context.channel.isWritable {
            guard let frames = session.connection.take(maxBytes: Self.batchBytes) else { break }
            for frame in frames { context.write(wrapOutboundOut(frame.bytes), promise: nil) }
            context.flush()
        }
        if let close = pendingClose, context.channel.isWritable, session.connection.isDrained {
            pendingClose = nil
            context.writeAndFlush(wrapOutboundOut(close.bytes), promise: nil)
        }
    }

    // MARK: Closing

    /// Starts a server-initiated close: what is queued is written, then the close frame; the
    /// TCP connection closes when the client answers, or ``LiveSettings/closeTimeout`` from now.
    func beginClose(code: UInt16, reason: String) {
        guard phase == .open, let context else { return }
        phase = .closing
        session.closing()
        pendingClose = OutboundFrame.close(code: code, reason: reason)
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        closeDeadline = context.eventLoop.scheduleTask(in: TimeAmount(settings.closeTimeout)) { bound.value.closeNow() }
        // Data the client sends from now on is not read; its close frame is awaited by the deadline alone.
        if readingPaused { resumeReading() }
        drain()
    }

    /// Fails the connection (RFC 6455 §7.1.7): the close frame goes out at once, ahead of
    /// anything queued, and the TCP connection closes.
    private func fail(code: UInt16, reason: String) {
        guard let context, phase != .closed else { return }
        if phase == .open {
            phase = .closing
            session.closing()
            if context.channel.isWritable {
                context.writeAndFlush(wrapOutboundOut(OutboundFrame.close(code: code, reason: reason).bytes), promise: nil)
            }
        }
        closeNow()
    }

    /// Closes the TCP connection now (after what was flushed is handed to the kernel).
    func closeNow() {
        guard let context, phase != .closed else { return }
        phase = .closed
        context.close(promise: nil)
    }

    // MARK: Timers

    /// Once per heartbeat: a client that answered no ping since the last tick is gone (1001);
    /// one that could not be written to for two ticks is too slow (1008); else ping if quiet.
    func heartbeatTick() {
        guard let context, phase != .closed else { return }
        if context.channel.isWritable { unwritableTicks = 0 } else { unwritableTicks += 1 }
        if phase == .open {
            if pingOutstanding && !heardFrom {
                beginClose(code: CloseCode.goingAway, reason: "Ping timeout")
            } else if unwritableTicks >= 2 {
                beginClose(code: CloseCode.slowConsumer, reason: "slow consumer")
            } else if !heardFrom {
                pingOutstanding = true
                if context.channel.isWritable { context.writeAndFlush(wrapOutboundOut(OutboundFrame.ping.bytes), promise: nil) }
            } else {
                pingOutstanding = false
            }
        }
        heardFrom = false
    }

    private func authenticationTimedOut() {
        authenticationDeadline = nil
        guard phase == .open, session.identity == nil else { return }
        beginClose(code: CloseCode.authenticationTimeout, reason: "authenticate first")
    }
}
