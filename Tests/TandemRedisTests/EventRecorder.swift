// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemRedis

/// Consumes a subscriber's events in a task of its own and keeps them, so a
/// test can wait for what it expects.
final class EventRecorder: Sendable {
    private let recorded = Mutex<[RedisSubscriberEvent]>([])
    private let finished = Mutex(false)
    private let task = Mutex<Task<Void, Never>?>(nil)

    init(_ subscriber: RedisSubscriber) {
        let events = subscriber.events
        let consumer = Task { [weak self] in
            for await event in events { self?.recorded.withLock { $0.append(event) } }
            self?.finished.withLock { $0 = true }
        }
        task.withLock { $0 = consumer }
    }

    deinit { task.withLock { $0?.cancel() } }

    var events: [RedisSubscriberEvent] { recorded.withLock { $0 } }

    var messages: [RedisMessage] {
        events.compactMap { if case .message(let message) = $0 { message } else { nil } }
    }

    /// Whether the stream has finished (the subscriber shut down).
    var isFinished: Bool { finished.withLock { $0 } }

    /// Waits until the recorded events satisfy `condition`.
    func wait(
        for what: String, timeout: Duration = .seconds(5), _ condition: @escaping ([RedisSubscriberEvent]) -> Bool
    ) async throws {
        try await eventually(what, timeout: timeout) { condition(events) }
    }
}
