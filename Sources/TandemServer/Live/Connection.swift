// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import Synchronization
import TandemActors

/// One WebSocket connection's outbound side: a bounded queue of framed messages
/// (``OutboundQueue``) that is drained on the channel's event loop (see ``LiveChannelHandler``),
/// so that no actor ever waits on a socket and no task per connection waits for frames;
/// in a cluster, the gap check of the staff view (``VersionGate``); and the signals that
/// actors send to the connection's loop (``SignalMailbox``).
///
/// A slow consumer cannot grow memory without bound: when the queue passes its soft
/// limit, the queued topic frames are dropped and each affected topic gets one
/// `resync` frame; further frames of those topics are dropped until the client
/// resubscribes. Past the hard limit the connection is closed. The queue only drains
/// while the socket is writable, so frames wait here, counted, not in NIO's buffers.
///
/// The queue and the gate share one lock, so that a topic's resync state and its version
/// checks change together; the lock is never held while a drain runs or a signal is posted.
final class Connection: Sendable {
    let address: SubscriberAddress
    private let limits: OutboundLimits
    private let budget: OutboundBudget
    private let state: Mutex<State>
    private let mailbox = SignalMailbox()
    private let onResync: @Sendable () -> Void

    private struct State {
        var queue = OutboundQueue()
        var gate = VersionGate()
    }

    init(
        address: SubscriberAddress, limits: OutboundLimits, budget: OutboundBudget = OutboundBudget(limit: .max),
        onResync: @escaping @Sendable () -> Void
    ) {
        self.address = address
        self.limits = limits
        self.budget = budget
        self.onResync = onResync
        self.state = Mutex(State())
    }

    // MARK: Queue

    /// Queues a JSON frame; `topic` marks frames that may be dropped for a resync.
    func enqueue(_ buffer: ByteBuffer, topic: String?) {
        enqueue(OutboundFrame(text: buffer), topic: topic)
    }

    /// Queues a framed message and makes sure a drain is scheduled.
    func enqueue(_ frame: OutboundFrame, topic: String?) {
        if let outlet = enqueueDeferringDrain(frame, topic: topic) { outlet.drain() }
    }

    /// Queues a framed message; returns the outlet on which the caller must run a drain
    /// (the hub batches these per event loop), or `nil` when one is already on its way.
    func enqueueDeferringDrain(_ frame: OutboundFrame, topic: String?) -> Outlet? {
        let limits = self.limits
        let overBudget = budget.isExceeded
        let (result, delta) = state.withLock { state in
            let before = state.queue.byteCount
            let result = state.queue.enqueue(frame, topic: topic, limits: limits, overBudget: overBudget)
            return (result, state.queue.byteCount - before)
        }
        budget.add(delta)
        if result.overflowed {
            onResync()
            if result.closed { signal(.close(code: CloseCode.slowConsumer, reason: "slow consumer")) }
        }
        return result.outlet
    }

    /// Drops the topic's queued frames and tells the client to resubscribe (`reason`).
    func resync(topic: String, reason: String) {
        let (outlet, delta) = state.withLock { state in
            let before = state.queue.byteCount
            let outlet = state.queue.resync(topic: topic, reason: reason)
            return (outlet, state.queue.byteCount - before)
        }
        budget.add(delta)
        onResync()
        outlet?.drain()
    }

    /// The client resubscribed: deliver the topic again (after its reply, in cluster mode).
    func resume(topic: String) {
        state.withLock { state in
            state.queue.resume(topic: topic)
            state.gate.resume(topic: topic)
        }
    }

    // MARK: Version continuity (cluster mode)

    /// See ``VersionGate/track(_:version:)``.
    func track(_ topic: String, version: Int64?) -> Bool {
        state.withLock { $0.gate.track(topic, version: version) }
    }

    /// See ``VersionGate/verdict(_:version:isOp:resyncing:)``.
    func versionVerdict(_ topic: String, version: Int64, isOp: Bool) -> VersionVerdict {
        state.withLock { state in
            let resyncing = state.queue.isResyncing(topic)
            return state.gate.verdict(topic, version: version, isOp: isOp, resyncing: resyncing)
        }
    }

    // MARK: Writer side

    /// Attaches the event-loop writer; frames queued so far are drained at once.
    func attach(_ outlet: Outlet) {
        state.withLock { $0.queue.attach(outlet) }?.drain()
    }

    /// See ``OutboundQueue/take(maxBytes:)``.
    func take(maxBytes: Int) -> [OutboundFrame]? {
        let (frames, delta) = state.withLock { state in
            let before = state.queue.byteCount
            let frames = state.queue.take(maxBytes: maxBytes)
            return (frames, state.queue.byteCount - before)
        }
        budget.add(delta)
        return frames
    }

    // MARK: Signals

    /// Asks the connection's loop to do something (see ``SignalMailbox``).
    func signal(_ signal: ConnectionSignal) {
        mailbox.post(signal)
    }

    /// Installs the handler of signals; signals sent before are handled now.
    func onSignal(_ handler: @escaping SignalMailbox.Handler) {
        mailbox.onSignal(handler)
    }

    // MARK: Closing

    /// Stops the queue: what is queued is still written, then the queue ends. Ends signals.
    func close() {
        let outlet = state.withLock { $0.queue.close() }
        mailbox.end()
        outlet?.drain()
    }

    /// Closes the queue and asks the channel handler to close the connection with `code`: what
    /// is queued is written first, within the handler's close deadline.
    func close(code: UInt16, reason: String) {
        close()
        state.withLock { $0.queue.outlet }?.beginClose(code: code, reason: reason)
    }

    /// The socket is gone: drops every queued frame, so its memory goes now.
    func discard() {
        let delta = state.withLock { state in
            let before = state.queue.byteCount
            state.queue.discard()
            return state.queue.byteCount - before
        }
        budget.add(delta)
        mailbox.end()
    }

    /// Lets the channel read from the socket again (the session's inbound backlog shrank).
    func resumeReading() {
        state.withLock { $0.queue.outlet }?.resumeReading()
    }

    var isClosed: Bool { state.withLock { $0.queue.isClosed } }

    /// Where frames go, once a channel handler is attached.
    var outlet: Outlet? { state.withLock { $0.queue.outlet } }

    /// Whether everything queued before the close has been written.
    var isDrained: Bool { state.withLock { $0.queue.isDrained } }

    /// Frames waiting to be written (tests and metrics).
    var queuedFrames: Int { state.withLock { $0.queue.count } }

    /// Bytes of the frames waiting to be written (tests and metrics).
    var queuedBytes: Int { state.withLock { $0.queue.byteCount } }
}

extension Connection {
    /// Where a connection's frames go: its channel's event loop and the handler on it.
    struct Outlet: Sendable {
        let eventLoop: any EventLoop
        let handler: NIOLoopBound<LiveChannelHandler>

        /// Runs a drain of the handler on its event loop.
        func drain() {
            let handler = self.handler
            eventLoop.execute { handler.value.drain() }
        }

        /// Starts the handler's close (``LiveChannelHandler/beginClose(code:reason:)``).
        func beginClose(code: UInt16, reason: String) {
            let handler = self.handler
            eventLoop.execute { handler.value.beginClose(code: code, reason: reason) }
        }

        /// Lets the handler read from the socket again.
        func resumeReading() {
            let handler = self.handler
            eventLoop.execute { handler.value.resumeReading() }
        }
    }
}
