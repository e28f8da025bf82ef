// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import NIOHTTP1

/// Holds one HTTP/1 connection to ``HTTPGuardSettings``: deadlines for the idle connection,
/// the request head and the body; the per-connection request cap; an answer (`400`, `408`,
/// `431`, `501`, with the API's JSON error body) and a close for a request that cannot be read.
///
/// It sits directly after the HTTP/1 request decoder (so it sees HTTP/1 request parts and
/// the decoder's parse errors, and writes HTTP/1 response parts to the encoder), with its
/// ``HTTPHeadMeter`` directly before the decoder. ``HTTPGuard/install(in:settings:)`` puts both
/// there. It runs one timer at a time, on the channel's event loop, and holds no task.
///
/// A `101 Switching Protocols` going out disarms it: it removes itself and its meter, and the
/// upgraded protocol's own heartbeat takes over.
final class HTTPConnectionGuard: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias InboundOut = HTTPServerRequestPart
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    private var state: HTTPGuardState
    private var context: ChannelHandlerContext?
    private var timer: Scheduled<Void>?
    private var timerDeadline: NIODeadline?
    /// The meter before the decoder, removed with this guard on an upgrade.
    weak var meter: HTTPHeadMeter?
    /// The first bytes of the request head being read: the method, to tell an unknown method
    /// (`501`) from bytes that are not a method at all (`400`).
    private var requestStart: [UInt8] = []
    private static let requestStartLength = 24

    init(settings: HTTPGuardSettings) {
        self.state = HTTPGuardState(settings: settings, now: .now())
    }

    // MARK: Lifecycle

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimer()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        cancelTimer()
        // A socket closed under the application (the client closing after a refusal closes
        // it whole, its output being shut): tell the application side that input ended, so that
        // it ends its wait quietly rather than finding its handlers removed.
        if state.phase != .disarmed && !inputEndAnnounced { announceInputEnd(context) }
        context.fireChannelInactive()
    }

    private var inputEndAnnounced = false

    private func announceInputEnd(_ context: ChannelHandlerContext) {
        inputEndAnnounced = true
        context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
    }

    private func start(_ context: ChannelHandlerContext) {
        state = HTTPGuardState(settings: state.settings, now: .now())
        rearm(context)
    }

    // MARK: Inbound

    /// Called by the meter with a read, before the decoder sees it.
    func admit(_ buffer: ByteBuffer) -> HTTPGuardState.Admission {
        if case .waiting = state.inbound { requestStart.removeAll(keepingCapacity: true) }
        let admission = state.admit(buffer.readableBytes, now: .now())
        if case .head = state.inbound, requestStart.count < Self.requestStartLength {
            requestStart += buffer.readableBytesView.prefix(Self.requestStartLength - requestStart.count)
        }
        if let context { rearm(context) }
        return admission
    }

    /// Called by the meter after it forwarded a prefix; whether to go on with the rest.
    func afterPrefix() -> Bool {
        guard let context else { return false }
        perform(state.afterPrefix(now: .now()), context)
        return state.phase == .open || state.phase == .disarmed
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !state.passesRawData else {
            context.fireChannelRead(data)
            return
        }
        guard state.acceptsParts else { return }
        let part = unwrapInboundIn(data)
        switch part {
        case .head(let head):
            state.headRead(upgrade: Self.asksForUpgrade(head), now: .now())
        case .body:
            break
        case .end:
            state.endRead(now: .now())
        }
        context.fireChannelRead(data)
        rearm(context)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let error = error as? HTTPParserError {
            let method = requestStart.prefix { $0 != UInt8(ascii: " ") }
            let refusal = HTTPRefusal(error, method: method, maxHeadBytes: state.settings.maxHeadBytes)
            perform(state.refuse(refusal, now: .now()), context)
            return
        }
        // What the decoder reports after its first error, or about bytes thrown away.
        if state.phase != .open && state.phase != .disarmed, error is ByteToMessageDecoderError { return }
        context.fireErrorCaught(error)
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event {
        case let event as ChannelEvent where event == .inputClosed && state.isLingering:
            // The client closed its side after the guard's answer or the last response: done.
            // The application side hears of it first, and ends its wait quietly.
            if !inputEndAnnounced { announceInputEnd(context) }
            context.close(promise: nil)
            return
        case let event as ChannelEvent where event == .inputClosed:
            inputEndAnnounced = true
        case is ChannelShouldQuiesceEvent:
            perform(state.quiesce(), context)
        default:
            break
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        state.writabilityChanged(writable: context.channel.isWritable, now: .now())
        rearm(context)
        context.fireChannelWritabilityChanged()
    }

    // MARK: Outbound

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        switch state.phase {
        case .disarmed:
            context.write(data, promise: promise)
            return
        case .lingering:
            // The guard answered, or the last response went out: nothing more is written.
            promise?.fail(ChannelError.outputClosed)
            return
        case .open, .refusing:
            break
        }
        switch unwrapOutboundIn(data) {
        case .head(var head):
            let close = state.responseHeadWritten(status: Int(head.status.code))
            if state.phase == .disarmed {
                // Removed by the flush that sends it: a flush passing a removed handler is lost.
                context.write(data, promise: promise)
                return
            }
            if close { head.headers.replaceOrAdd(name: "Connection", value: "close") }
            context.write(wrapOutboundOut(.head(head)), promise: promise)
        case .body:
            context.write(data, promise: promise)
        case .end:
            let action = state.responseEndWritten(now: .now())
            context.write(data, promise: promise)
            perform(action, context)
        }
    }

    func flush(context: ChannelHandlerContext) {
        context.flush()
        if state.phase == .disarmed { disarm(context) }
    }

    // MARK: Actions

    private func perform(_ action: HTTPGuardState.Action, _ context: ChannelHandlerContext) {
        switch action {
        case .none:
            break
        case .close:
            cancelTimer()
            // The application side first learns that no more input comes (Hummingbird then ends
            // its request loop, or its upgrade wait, quietly), then the socket closes.
            if !inputEndAnnounced { announceInputEnd(context) }
            context.close(promise: nil)
        case .send(let refusal):
            let (head, body) = refusal.parts(headers: state.settings.refusalHeaders)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            context.write(wrapOutboundOut(.end(nil)), promise: nil)
            closeOutput(context)
        case .closeOutput:
            closeOutput(context)
        }
        rearm(context)
    }

    /// Half-closes once what was written is flushed (the channel waits for it): the client
    /// reads the answer, then the end of the stream. Input is drained, and thrown away, until
    /// the client closes too or the linger deadline passes.
    private func closeOutput(_ context: ChannelHandlerContext) {
        context.flush()
        let closed = context.eventLoop.makePromise(of: Void.self)
        context.close(mode: .output, promise: closed)
        closed.futureResult.assumeIsolated().whenFailure { _ in context.close(promise: nil) }
    }

    /// Removes this guard and its meter: the connection is no longer HTTP.
    private func disarm(_ context: ChannelHandlerContext) {
        cancelTimer()
        if let meter { context.pipeline.syncOperations.removeHandler(meter, promise: nil) }
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }

    // MARK: Timer

    /// Arms the timer for the state's next deadline. A timer already armed for an earlier
    /// moment is kept: when it fires, nothing is due yet and it is armed again.
    private func rearm(_ context: ChannelHandlerContext) {
        guard let next = state.nextDeadline else { return }
        if let timerDeadline, timerDeadline <= next { return }
        timer?.cancel()
        timerDeadline = next
        timer = context.eventLoop.assumeIsolated().scheduleTask(deadline: next) { [weak self] in
            guard let self, let context = self.context else { return }
            self.timer = nil
            self.timerDeadline = nil
            self.perform(self.state.deadlineReached(now: .now()), context)
            self.rearm(context)
        }
    }

    private func cancelTimer() {
        timer?.cancel()
        timer = nil
        timerDeadline = nil
    }

    /// Whether the HTTP/1 decoder treats this request as an upgrade (llhttp's rule): it stops
    /// parsing at the request's end, and hands what follows on as bytes once it is removed.
    static func asksForUpgrade(_ head: HTTPRequestHead) -> Bool {
        if head.method == .CONNECT { return true }
        guard head.headers.contains(name: "upgrade") else { return false }
        return head.headers[canonicalForm: "connection"].contains { $0.lowercased() == "upgrade" }
    }
}
