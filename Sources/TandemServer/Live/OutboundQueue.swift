// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore

/// One connection's framed messages waiting for the socket, and whose turn it is to drain them.
///
/// A value guarded by its ``Connection``'s lock; its methods never block and return what the
/// caller must do once the lock is released (resume a waiting reader, run a drain).
///
/// Invariants:
/// - `bytes` is the sum of the queued frames' sizes.
/// - A topic in `resyncing` has no frame in the queue and gets none until ``resume(topic:)``;
///   its one `resync` frame is queued as a control frame (no topic), which is never shed.
/// - `draining` is true from the moment a drain is handed out until ``take(maxBytes:)``
///   finds the queue empty: at most one drain runs at a time, and none is lost.
/// - After ``close()`` nothing is queued; what was queued is still taken, then `drained` is set.
struct OutboundQueue {
    private struct Queued {
        var frame: OutboundFrame
        /// Frames with a topic may be dropped for a resync; those without are control frames.
        var topic: String?
    }

    /// Most connections hold one frame at a time: start small (an idle connection's queue is part of its cost).
    private var frames = CircularBuffer<Queued>(initialCapacity: 1)
    private var bytes = 0
    /// Where frames are written; `nil` until a ``LiveChannelHandler`` is attached (or in tests).
    private(set) var outlet: Connection.Outlet?
    /// A drain is scheduled, running, or waiting for the socket to become writable.
    private var draining = false
    private(set) var isClosed = false
    /// The writer has taken the last frame after the close.
    private var drained = false
    /// Topics whose frames are dropped until the client resubscribes.
    private var resyncing: Set<String> = []

    /// What an ``enqueue(_:topic:limits:)`` did besides queuing.
    struct Enqueued {
        /// Where the caller must run a drain after the lock, when one must start.
        var outlet: Connection.Outlet?
        /// A limit was passed: topics were resynced, or (with `closed`) the queue was closed.
        var overflowed = false
        var closed = false
    }

    var count: Int { frames.count }

    /// Bytes of the queued frames.
    var byteCount: Int { bytes }

    /// Whether everything queued before the close has been taken by the writer (which writes
    /// what it takes before it asks).
    var isDrained: Bool { drained || (isClosed && frames.isEmpty) }

    func isResyncing(_ topic: String) -> Bool { resyncing.contains(topic) }

    /// Queues a frame unless closed or its topic is resyncing. Past the soft limit a topic
    /// frame sheds every queued topic frame instead (each such topic resyncs); past the hard
    /// limit the queue closes.
    /// With `overBudget` (the node's queues hold more than their budget), a queue already
    /// holding ``OutboundLimits/budgetFloorBytes`` closes as if past the hard limit.
    mutating func enqueue(_ frame: OutboundFrame, topic: String?, limits: OutboundLimits, overBudget: Bool = false) -> Enqueued {
        guard !isClosed else { return Enqueued() }
        if let topic, resyncing.contains(topic) { return Enqueued() }
        var result = Enqueued()
        let size = frame.count
        if frames.count >= limits.softFrames || bytes + size > limits.softBytes, topic != nil {
            shed()
            result.overflowed = true
            if let topic, !resyncing.contains(topic) {
                resyncing.insert(topic)
                appendControl(OutboundFrame(text: ServerFrame.event(.resync(topic: topic, reason: "slow_consumer"))))
            }
        } else if frames.count >= limits.hardFrames || bytes + size > limits.hardBytes
            || (overBudget && bytes >= limits.budgetFloorBytes)
        {
            isClosed = true
            result.overflowed = true
        } else {
            frames.append(Queued(frame: frame, topic: topic))
            bytes += size
        }
        result.outlet = startDrain()
        result.closed = isClosed
        return result
    }

    /// Drops every queued topic frame and marks those topics for resync.
    private mutating func shed() {
        var kept = CircularBuffer<Queued>(initialCapacity: 4)
        var keptBytes = 0
        var topics: Set<String> = []
        while let queued = frames.popFirst() {
            if let topic = queued.topic {
                topics.insert(topic)
            } else {
                kept.append(queued)
                keptBytes += queued.frame.count
            }
        }
        frames = kept
        bytes = keptBytes
        for topic in topics.subtracting(resyncing) {
            appendControl(OutboundFrame(text: ServerFrame.event(.resync(topic: topic, reason: "slow_consumer"))))
        }
        resyncing.formUnion(topics)
    }

    /// Drops the topic's queued frames and queues its `resync` frame (`reason`); returns the
    /// outlet to drain, if a drain must start. Nothing changes when closed or already resyncing.
    mutating func resync(topic: String, reason: String) -> Connection.Outlet? {
        guard !isClosed, !resyncing.contains(topic) else { return nil }
        resyncing.insert(topic)
        var kept = CircularBuffer<Queued>(initialCapacity: frames.count)
        var keptBytes = 0
        while let queued = frames.popFirst() {
            guard queued.topic != topic else { continue }
            kept.append(queued)
            keptBytes += queued.frame.count
        }
        frames = kept
        bytes = keptBytes
        appendControl(OutboundFrame(text: ServerFrame.event(.resync(topic: topic, reason: reason))))
        return startDrain()
    }

    /// The client resubscribed: the topic's frames are queued again.
    mutating func resume(topic: String) {
        resyncing.remove(topic)
    }

    private mutating func appendControl(_ frame: OutboundFrame) {
        frames.append(Queued(frame: frame, topic: nil))
        bytes += frame.count
    }

    /// Hands out the outlet when a drain must start: one is attached, none is on its way,
    /// and something is queued.
    private mutating func startDrain() -> Connection.Outlet? {
        guard !draining, let outlet, !frames.isEmpty else { return nil }
        draining = true
        return outlet
    }

    // MARK: Writer side

    /// Attaches the event-loop writer; returns it when what is queued must be drained now.
    mutating func attach(_ outlet: Connection.Outlet) -> Connection.Outlet? {
        self.outlet = outlet
        return startDrain()
    }

    /// Takes queued frames, about `maxBytes` of them (at least one), for the writer.
    /// Returns `nil` and ends the drain when the queue is empty.
    mutating func take(maxBytes: Int) -> [OutboundFrame]? {
        guard !frames.isEmpty else {
            draining = false
            if isClosed { drained = true }
            return nil
        }
        var out: [OutboundFrame] = []
        out.reserveCapacity(min(frames.count, 64))
        var size = 0
        while size < maxBytes, let queued = frames.popFirst() {
            out.append(queued.frame)
            size += queued.frame.count
        }
        bytes -= size
        return out
    }

    /// The socket is gone: every queued frame is dropped and nothing more is taken.
    mutating func discard() {
        frames = CircularBuffer(initialCapacity: 0)
        bytes = 0
        isClosed = true
        drained = true
        draining = false
        outlet = nil
        resyncing = []
    }

    /// Takes nothing more; what is queued is still drained.
    mutating func close() -> Connection.Outlet? {
        isClosed = true
        return startDrain()
    }
}
