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

/// One WebSocket connection's outbound side: a bounded queue of encoded frames that
/// the connection's writer task drains, so that no actor ever waits on a socket.
///
/// A slow consumer cannot grow memory without bound: when the queue passes its soft
/// limit, the queued topic frames are dropped and each affected topic gets one
/// `resync` frame; further frames of those topics are dropped until the client
/// resubscribes. Past the hard limit the connection is closed.
final class Connection: Sendable {
    let address: SubscriberAddress
    let signals: AsyncStream<ConnectionSignal>
    private let signalSink: AsyncStream<ConnectionSignal>.Continuation
    private let limits: OutboundLimits
    private let state: Mutex<State>
    private let onResync: @Sendable () -> Void

    private struct State: ~Copyable {
        var frames = CircularBuffer<(buffer: ByteBuffer, topic: String?)>(initialCapacity: 16)
        var bytes = 0
        var waiter: CheckedContinuation<Void, Never>?
        var closed = false
        /// The writer has taken the last frame after the close.
        var drained = false
        /// Frames taken by the writer and not yet reported written.
        var writing = 0
        /// Topics whose frames are dropped until the client resubscribes.
        var resyncing: Set<String> = []
    }

    init(address: SubscriberAddress, limits: OutboundLimits, onResync: @escaping @Sendable () -> Void) {
        self.address = address
        self.limits = limits
        self.onResync = onResync
        self.state = Mutex(State())
        (self.signals, self.signalSink) = AsyncStream.makeStream(of: ConnectionSignal.self, bufferingPolicy: .bufferingNewest(16))
    }

    /// Queues a frame; `topic` marks frames that may be dropped for a resync.
    func enqueue(_ buffer: ByteBuffer, topic: String?) {
        var overflowed = false
        let waiter: CheckedContinuation<Void, Never>? = state.withLock { state in
            guard !state.closed else { return nil }
            if let topic, state.resyncing.contains(topic) { return nil }
            if state.frames.count >= limits.softFrames || state.bytes + buffer.readableBytes > limits.softBytes, topic != nil {
                Self.shed(&state, limits: limits)
                overflowed = true
                if let topic, !state.resyncing.contains(topic) {
                    state.resyncing.insert(topic)
                    let resync = ServerFrame.event(.resync(topic: topic, reason: "slow_consumer"))
                    state.frames.append((resync, nil))
                    state.bytes += resync.readableBytes
                }
            } else if state.frames.count >= limits.hardFrames || state.bytes + buffer.readableBytes > limits.hardBytes {
                state.closed = true
                overflowed = true
            } else {
                state.frames.append((buffer, topic))
                state.bytes += buffer.readableBytes
            }
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
        if overflowed {
            onResync()
            if isClosed { signalSink.yield(.close(code: CloseCode.slowConsumer, reason: "slow consumer")) }
        }
    }

    /// Drops every queued topic frame and marks those topics for resync.
    private static func shed(_ state: inout State, limits: OutboundLimits) {
        var kept = CircularBuffer<(buffer: ByteBuffer, topic: String?)>(initialCapacity: state.frames.count)
        var bytes = 0
        var topics: Set<String> = []
        while let frame = state.frames.popFirst() {
            if let topic = frame.topic {
                topics.insert(topic)
            } else {
                kept.append(frame)
                bytes += frame.buffer.readableBytes
            }
        }
        for topic in topics.subtracting(state.resyncing) {
            let resync = ServerFrame.event(.resync(topic: topic, reason: "slow_consumer"))
            kept.append((resync, nil))
            bytes += resync.readableBytes
        }
        state.resyncing.formUnion(topics)
        state.frames = kept
        state.bytes = bytes
    }

    /// The client resubscribed: deliver the topic again.
    func resume(topic: String) {
        state.withLock { _ = $0.resyncing.remove(topic) }
    }

    /// Waits for queued frames and takes them all; `nil` once closed and drained.
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
                while let frame = state.frames.popFirst() { out.append(frame.buffer) }
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

    /// Asks the connection's loop to do something.
    func signal(_ signal: ConnectionSignal) {
        signalSink.yield(signal)
    }

    /// Stops the queue: the writer drains what is queued and ends.
    func close() {
        let waiter = state.withLock { state in
            state.closed = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
        signalSink.finish()
    }

    var isClosed: Bool { state.withLock { $0.closed } }

    /// Whether everything queued before the close has been written.
    var isDrained: Bool { state.withLock { $0.drained || ($0.closed && $0.frames.isEmpty && $0.writing == 0) } }

    /// Frames waiting to be written (tests and metrics).
    var queuedFrames: Int { state.withLock { $0.frames.count } }
}
