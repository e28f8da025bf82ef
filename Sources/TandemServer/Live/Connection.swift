//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import NIOCore
import Synchronization
import TandemActors

/// Limits of one connection's outbound queue.
public struct OutboundLimits: Sendable {
    /// Queued frames or bytes past which topic traffic is dropped and the topic resynced.
    public var softFrames = 4_096
    public var softBytes = 8 << 20
    /// Past these, even control frames do not fit: the connection is closed.
    public var hardFrames = 8_192
    public var hardBytes = 16 << 20

    public init() {}
}

/// Something the connection's own loop must do, asked from elsewhere.
enum ConnectionSignal: Sendable {
    case recheck
    case close(code: UInt16, reason: String)
}

/// One WebSocket connection's outbound side: a bounded queue of framed messages that is
/// drained on the channel's event loop (see ``FrameWriter``), so that no actor ever waits
/// on a socket and no task per connection waits for frames.
///
/// A slow consumer cannot grow memory without bound: when the queue passes its soft
/// limit, the queued topic frames are dropped and each affected topic gets one
/// `resync` frame; further frames of those topics are dropped until the client
/// resubscribes. Past the hard limit the connection is closed. The queue only drains
/// while the socket is writable, so frames wait here, counted, not in NIO's buffers.
final class Connection: Sendable {
    let address: SubscriberAddress
    private let limits: OutboundLimits
    private let state: Mutex<State>
    private let onResync: @Sendable () -> Void

    /// Handles one signal; returns false to stop handling signals (the connection is closing).
    typealias SignalHandler = @Sendable (ConnectionSignal) async -> Bool

    private struct Queued {
        var frame: OutboundFrame
        var topic: String?
    }

    private struct State: ~Copyable {
        var frames = CircularBuffer<Queued>(initialCapacity: 4)
        var bytes = 0
        /// Where frames are written; `nil` until a ``FrameWriter`` is attached (or in tests).
        var outlet: Outlet?
        /// A drain is scheduled, running, or waiting for the socket to become writable.
        var draining = false
        /// A task waiting in ``next()`` (used when no writer is attached).
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
        /// The writer has taken the last frame after the close.
        var drained = false
        /// Frames taken by the writer and not yet reported written.
        var writing = 0
        /// Topics whose frames are dropped until the client resubscribes.
        var resyncing: Set<String> = []
        /// Cluster mode: the last version sent on each staff-view ticket topic (see ``versionVerdict``).
        var versions: [String: Int64] = [:]
        /// Topics resubscribed whose reply has not been delivered yet, with the highest version
        /// of the frames held back meanwhile (see ``versionVerdict``).
        var awaitingReply: [String: Int64] = [:]
        /// Signals not yet handled, the handler, and whether a task is handling them.
        var signals: [ConnectionSignal] = []
        var signalHandler: SignalHandler?
        var handlingSignals = false
        var signalsEnded = false
    }

    init(address: SubscriberAddress, limits: OutboundLimits, onResync: @escaping @Sendable () -> Void) {
        self.address = address
        self.limits = limits
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
        if let outlet = enqueueDeferringDrain(frame, topic: topic) {
            outlet.eventLoop.execute { outlet.writer.value.drain() }
        }
    }

    /// Queues a framed message; returns the outlet on which the caller must run a drain
    /// (the hub batches these per event loop), or `nil` when one is already on its way.
    func enqueueDeferringDrain(_ frame: OutboundFrame, topic: String?) -> Outlet? {
        var overflowed = false
        let (waiter, outlet, closedNow): (CheckedContinuation<Void, Never>?, Outlet?, Bool) = state.withLock { state in
            guard !state.closed else { return (nil, nil, false) }
            if let topic, state.resyncing.contains(topic) { return (nil, nil, false) }
            let size = frame.count
            if state.frames.count >= limits.softFrames || state.bytes + size > limits.softBytes, topic != nil {
                Self.shed(&state, limits: limits)
                overflowed = true
                if let topic, !state.resyncing.contains(topic) {
                    state.resyncing.insert(topic)
                    let resync = OutboundFrame(text: ServerFrame.event(.resync(topic: topic, reason: "slow_consumer")))
                    state.frames.append(Queued(frame: resync, topic: nil))
                    state.bytes += resync.count
                }
            } else if state.frames.count >= limits.hardFrames || state.bytes + size > limits.hardBytes {
                state.closed = true
                overflowed = true
            } else {
                state.frames.append(Queued(frame: frame, topic: topic))
                state.bytes += size
            }
            let waiter = state.waiter
            state.waiter = nil
            var outlet: Outlet?
            if !state.draining, let attached = state.outlet, !state.frames.isEmpty {
                state.draining = true
                outlet = attached
            }
            return (waiter, outlet, state.closed)
        }
        waiter?.resume()
        if overflowed {
            onResync()
            if closedNow { signal(.close(code: CloseCode.slowConsumer, reason: "slow consumer")) }
        }
        return outlet
    }

    /// Drops every queued topic frame and marks those topics for resync.
    private static func shed(_ state: inout State, limits: OutboundLimits) {
        var kept = CircularBuffer<Queued>(initialCapacity: 4)
        var bytes = 0
        var topics: Set<String> = []
        while let queued = state.frames.popFirst() {
            if let topic = queued.topic {
                topics.insert(topic)
            } else {
                kept.append(queued)
                bytes += queued.frame.count
            }
        }
        for topic in topics.subtracting(state.resyncing) {
            let resync = OutboundFrame(text: ServerFrame.event(.resync(topic: topic, reason: "slow_consumer")))
            kept.append(Queued(frame: resync, topic: nil))
            bytes += resync.count
        }
        state.resyncing.formUnion(topics)
        state.frames = kept
        state.bytes = bytes
    }

    // MARK: Version continuity (cluster mode)

    /// What to do with a ticket frame of `version`, for a staff-view subscription.
    enum VersionVerdict {
        case deliver
        /// A repeat of a version already sent (an operation seen twice after a relay hiccup).
        case drop
        /// Versions are missing before this one: the frame must not be delivered; the topic resyncs.
        case gap
    }

    /// Starts (or, with `nil`, stops) checking the staff view of `topic` from `version`:
    /// the subscription's reply is being delivered.
    ///
    /// Returns `false` when frames newer than the reply were held back while it was awaited:
    /// the stream after the reply would skip them, so the caller must resync the topic.
    func track(_ topic: String, version: Int64?) -> Bool {
        state.withLock { state in
            state.versions[topic] = version
            guard let ahead = state.awaitingReply.removeValue(forKey: topic), let version else { return true }
            return ahead <= version
        }
    }

    /// Checks that `version` follows the last one sent on `topic`. In a cluster, the node
    /// that owns a ticket can die with operations it committed but never relayed here:
    /// the first frame of the new owner then skips them. The staff view sees every
    /// version, so a jump is a gap, answered with `resync` (`relay_gap`) instead of the frame.
    ///
    /// Between a resubscription and its reply, frames are held back: those up to the reply's
    /// version are in the reply, and a newer one can only come from another owner than the
    /// one answering (two activations overlap while a lease moves), so the reply could not
    /// be continued from it. ``track(_:version:)`` then asks for a resync.
    func versionVerdict(_ topic: String, version: Int64, isOp: Bool) -> VersionVerdict {
        state.withLock { state in
            if let ahead = state.awaitingReply[topic] {
                state.awaitingReply[topic] = max(ahead, version)
                return .drop
            }
            guard let last = state.versions[topic], !state.resyncing.contains(topic) else { return .deliver }
            if version == last + 1 {
                state.versions[topic] = version
                return .deliver
            }
            // An ack of an older version answers a resend of an edit already committed.
            if version <= last { return isOp ? .drop : .deliver }
            return .gap
        }
    }

    /// Drops the topic's queued frames and tells the client to resubscribe (`reason`).
    func resync(topic: String, reason: String) {
        let outlet: Outlet? = state.withLock { state in
            guard !state.closed, !state.resyncing.contains(topic) else { return nil }
            state.resyncing.insert(topic)
            var kept = CircularBuffer<Queued>(initialCapacity: state.frames.count)
            var bytes = 0
            while let queued = state.frames.popFirst() {
                guard queued.topic != topic else { continue }
                kept.append(queued)
                bytes += queued.frame.count
            }
            let frame = OutboundFrame(text: ServerFrame.event(.resync(topic: topic, reason: reason)))
            kept.append(Queued(frame: frame, topic: nil))
            state.frames = kept
            state.bytes = bytes + frame.count
            guard !state.draining, let attached = state.outlet else { return nil }
            state.draining = true
            return attached
        }
        onResync()
        if let outlet { outlet.eventLoop.execute { outlet.writer.value.drain() } }
    }

    /// The client resubscribed: deliver the topic again.
    func resume(topic: String) {
        state.withLock { state in
            state.resyncing.remove(topic)
            if state.versions[topic] != nil { state.awaitingReply[topic] = .min }
        }
    }

    // MARK: Writer side

    /// Attaches the event-loop writer; frames queued so far are drained at once.
    func attach(_ outlet: Outlet) {
        let drainNow = state.withLock { state in
            state.outlet = outlet
            guard !state.draining, !state.frames.isEmpty else { return false }
            state.draining = true
            return true
        }
        if drainNow { outlet.eventLoop.execute { outlet.writer.value.drain() } }
    }

    /// Takes queued frames, about `maxBytes` of them (at least one), for the writer.
    /// Returns `nil` and ends the drain when the queue is empty.
    func take(maxBytes: Int) -> [OutboundFrame]? {
        state.withLock { state in
            state.writing = 0
            guard !state.frames.isEmpty else {
                state.draining = false
                if state.closed { state.drained = true }
                return nil
            }
            var out: [OutboundFrame] = []
            out.reserveCapacity(min(state.frames.count, 64))
            var size = 0
            while size < maxBytes, let queued = state.frames.popFirst() {
                out.append(queued.frame)
                size += queued.frame.count
            }
            state.bytes -= size
            state.writing = out.count
            return out
        }
    }

    /// The frames last taken are written to the channel.
    func written() {
        state.withLock { $0.writing = 0 }
    }

    /// Waits for queued frames and takes all their payloads; `nil` once closed and drained.
    /// For a connection without a ``FrameWriter`` (tests, or a pipeline it cannot join).
    func next() async -> [ByteBuffer]? {
        while true {
            let taken: [ByteBuffer]? = state.withLock { state in
                state.writing = 0
                guard !state.frames.isEmpty else {
                    if state.closed { state.drained = true }
                    return state.closed ? [] : nil
                }
                var out: [ByteBuffer] = []
                out.reserveCapacity(state.frames.count)
                while let queued = state.frames.popFirst() { out.append(queued.frame.payload) }
                state.bytes = 0
                state.writing = out.count
                return out
            }
            if let taken { return taken.isEmpty ? nil : taken }
            await withCheckedContinuation { continuation in
                let ready = state.withLock { state in
                    if !state.frames.isEmpty || state.closed { return true }
                    state.waiter = continuation
                    return false
                }
                if ready { continuation.resume() }
            }
        }
    }

    // MARK: Signals

    /// Asks the connection's loop to do something. Signals are handled one at a time, in
    /// order, by a short-lived task that exists only while there are signals to handle.
    func signal(_ signal: ConnectionSignal) {
        let handler: SignalHandler? = state.withLock { state in
            guard !state.signalsEnded else { return nil }
            if state.signals.count >= 16 { state.signals.removeFirst() }
            state.signals.append(signal)
            guard let handler = state.signalHandler, !state.handlingSignals else { return nil }
            state.handlingSignals = true
            return handler
        }
        if let handler { Task { await self.handleSignals(handler) } }
    }

    /// Installs the handler of signals; signals sent before are handled now.
    func onSignal(_ handler: @escaping SignalHandler) {
        let start = state.withLock { state in
            state.signalHandler = handler
            guard !state.signals.isEmpty, !state.handlingSignals, !state.signalsEnded else { return false }
            state.handlingSignals = true
            return true
        }
        if start { Task { await self.handleSignals(handler) } }
    }

    private func handleSignals(_ handler: SignalHandler) async {
        while let next = takeSignal() {
            if await !handler(next) {
                state.withLock { state in
                    state.signalsEnded = true
                    state.signals.removeAll()
                    state.handlingSignals = false
                }
                return
            }
        }
    }

    private func takeSignal() -> ConnectionSignal? {
        state.withLock { state in
            guard !state.signalsEnded, !state.signals.isEmpty else {
                state.handlingSignals = false
                return nil
            }
            return state.signals.removeFirst()
        }
    }

    // MARK: Closing

    /// Stops the queue: what is queued is still written, then the queue ends. Ends signals.
    func close() {
        let (waiter, outlet): (CheckedContinuation<Void, Never>?, Outlet?) = state.withLock { state in
            state.closed = true
            state.signalsEnded = true
            state.signals.removeAll()
            state.signalHandler = nil
            let waiter = state.waiter
            state.waiter = nil
            guard !state.draining, let outlet = state.outlet, !state.frames.isEmpty else { return (waiter, nil) }
            state.draining = true
            return (waiter, outlet)
        }
        waiter?.resume()
        if let outlet { outlet.eventLoop.execute { outlet.writer.value.drain() } }
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Whether everything queued before the close has been written.
    var isDrained: Bool { state.withLock { $0.drained || ($0.closed && $0.frames.isEmpty && $0.writing == 0) } }

    /// Frames waiting to be written (tests and metrics).
    var queuedFrames: Int { state.withLock { $0.frames.count } }
}

extension Connection {
    /// Where a connection's frames go: its channel's event loop and the writer on it.
    struct Outlet: Sendable {
        let eventLoop: any EventLoop
        let writer: NIOLoopBound<FrameWriter>
    }
}
