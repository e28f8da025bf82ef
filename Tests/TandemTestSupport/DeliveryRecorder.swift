// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemActors

/// A node's "connections" for tests of actors without sockets: records every event
/// delivered to each address, in order, and every close and re-check asked for.
package final class DeliveryRecorder: EventDelivery, ConnectionControl, Sendable {
    private let log = Mutex<[(address: SubscriberAddress, event: LiveEvent)]>([])
    private let closes = Mutex<[SubscriberAddress: UInt16]>([:])
    private let rechecks = Mutex<[SubscriberAddress: Int]>([:])

    package init() {}

    package func deliver(_ event: LiveEvent, to subscribers: [SubscriberAddress]) {
        log.withLock { log in for address in subscribers { log.append((address, event)) } }
    }

    package func close(_ address: SubscriberAddress, code: UInt16, reason: String) {
        closes.withLock { $0[address] = code }
    }

    package func recheck(_ address: SubscriberAddress) {
        rechecks.withLock { $0[address, default: 0] += 1 }
    }

    package func recheckCount(_ address: SubscriberAddress) -> Int { rechecks.withLock { $0[address] ?? 0 } }

    /// Every delivery so far, in the order the deliveries were made.
    package var deliveries: [(address: SubscriberAddress, event: LiveEvent)] { log.withLock { $0 } }

    package func received(_ address: SubscriberAddress) -> [LiveEvent] {
        log.withLock { log in log.compactMap { $0.address == address ? $0.event : nil } }
    }

    package func closeCode(_ address: SubscriberAddress) -> UInt16? { closes.withLock { $0[address] } }

    /// Versions of the ops delivered to `address`, in delivery order.
    package func opVersions(_ address: SubscriberAddress) -> [Int64] {
        received(address).compactMap { if case .op(_, let op) = $0 { op.version } else { nil } }
    }

    /// Versions acknowledged to `address`, in delivery order.
    package func acks(_ address: SubscriberAddress) -> [Int64] {
        received(address).compactMap { if case .ack(_, _, _, let version) = $0 { version } else { nil } }
    }
}
