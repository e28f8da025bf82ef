// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization

/// The bytes queued on all of a node's connections, against ``OutboundLimits/nodeBytes``.
///
/// Invariant: `queued` is the sum of the connections' ``OutboundQueue/byteCount``: each
/// connection adds every change of its queue's size, made under its own lock, here.
final class OutboundBudget: Sendable {
    let limit: Int
    private let queued = Atomic<Int>(0)

    init(limit: Int) {
        self.limit = limit
    }

    func add(_ delta: Int) {
        guard delta != 0 else { return }
        queued.add(delta, ordering: .relaxed)
    }

    var bytes: Int { queued.load(ordering: .relaxed) }

    var isExceeded: Bool { bytes > limit }
}
