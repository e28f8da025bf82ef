//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization
import TandemActors
import TandemCore

/// The wall clock.
struct WallClock: TandemClock {
    func now() -> Timestamp { Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000)) }
}

/// A node's "connections": records every event delivered to each address, in order.
final class Recorder: EventDelivery, ConnectionControl, Sendable {
    private let events = Mutex<[SubscriberAddress: [LiveEvent]]>([:])
    private let closes = Mutex<[SubscriberAddress: UInt16]>([:])
    private let rechecks = Mutex<[SubscriberAddress: Int]>([:])

    func deliver(_ event: LiveEvent, to subscribers: [SubscriberAddress]) {
        events.withLock { map in for address in subscribers { map[address, default: []].append(event) } }
    }

    func close(_ address: SubscriberAddress, code: UInt16, reason: String) {
        closes.withLock { $0[address] = code }
    }

    func recheck(_ address: SubscriberAddress) {
        rechecks.withLock { $0[address, default: 0] += 1 }
    }

    func recheckCount(_ address: SubscriberAddress) -> Int { rechecks.withLock { $0[address] ?? 0 } }

    func received(_ address: SubscriberAddress) -> [LiveEvent] { events.withLock { $0[address] ?? [] } }
    func closeCode(_ address: SubscriberAddress) -> UInt16? { closes.withLock { $0[address] } }

    /// Versions of the ops delivered to `address`, in delivery order.
    func opVersions(_ address: SubscriberAddress) -> [Int64] {
        received(address).compactMap { if case .op(_, let op) = $0 { op.version } else { nil } }
    }

    func acks(_ address: SubscriberAddress) -> [Int64] {
        received(address).compactMap { if case .ack(_, _, _, let version) = $0 { version } else { nil } }
    }
}

/// Polls `condition` until it holds or `timeout` passes.
func eventually(
    _ timeout: Duration = .seconds(10), _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(25))
    }
    return try await condition()
}
