// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import Synchronization

/// The heartbeat of every connection on one event loop, driven by one timer.
///
/// A wheel of `period` one-second slots; each connection sits in one slot and is checked
/// (``LiveChannelHandler/heartbeatTick()``) each time the wheel passes it, so once per period,
/// the first time one period after it joined. One timer per loop instead of one per connection:
/// an idle node wakes once a second per loop, however many connections it holds, and the
/// pings of a slot go out in one pass.
///
/// Invariants (all state confined to the loop): a member is in exactly one slot, at
/// `slots[member.wheelSlot][member.wheelIndex]`; the timer runs while there are members.
final class HeartbeatWheel {
    private let loop: any EventLoop
    private var slots: [[LiveChannelHandler]]
    private var current = 0
    private var members = 0
    private var timer: RepeatedTask?

    init(loop: any EventLoop, period: Int) {
        self.loop = loop
        self.slots = Array(repeating: [], count: max(1, period))
    }

    /// Adds a connection; its first check is one period from now.
    func add(_ handler: LiveChannelHandler) {
        let slot = current
        handler.wheelSlot = slot
        handler.wheelIndex = slots[slot].count
        slots[slot].append(handler)
        members += 1
        if timer == nil {
            let bound = NIOLoopBound(self, eventLoop: loop)
            timer = loop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in bound.value.tick() }
        }
    }

    /// Removes a connection (idempotent).
    func remove(_ handler: LiveChannelHandler) {
        let slot = handler.wheelSlot
        let index = handler.wheelIndex
        guard slot >= 0, index < slots[slot].count, slots[slot][index] === handler else { return }
        let last = slots[slot].removeLast()
        if last !== handler {
            slots[slot][index] = last
            last.wheelIndex = index
        }
        handler.wheelSlot = -1
        members -= 1
        if members == 0 {
            timer?.cancel()
            timer = nil
        }
    }

    private func tick() {
        current = (current + 1) % slots.count
        // A copy: a tick may close a connection, which leaves the wheel while this runs.
        let due = slots[current]
        for handler in due { handler.heartbeatTick() }
    }
}

/// The ``HeartbeatWheel`` of each event loop, made on first use.
final class HeartbeatWheels: Sendable {
    private let wheels = Mutex<[ObjectIdentifier: NIOLoopBound<HeartbeatWheel>]>([:])

    /// The wheel of `loop`; call on `loop`.
    func wheel(on loop: any EventLoop, period: Int) -> HeartbeatWheel {
        wheels.withLock { wheels in
            if let wheel = wheels[ObjectIdentifier(loop)] { return wheel.value }
            let wheel = HeartbeatWheel(loop: loop, period: period)
            wheels[ObjectIdentifier(loop)] = NIOLoopBound(wheel, eventLoop: loop)
            return wheel
        }
    }
}
