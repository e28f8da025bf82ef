// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization

/// Something the connection's own loop must do, asked from elsewhere.
enum ConnectionSignal: Sendable {
    case recheck
    case close(code: UInt16, reason: String)
}

/// Signals to a connection from actors and the hub, handled one at a time, in order, by a
/// short-lived task that exists only while there are signals to handle: a connection holds
/// no task of its own waiting for them.
///
/// Invariants: at most one task handles signals at a time (`handling`); at most 16 signals
/// wait (the oldest is dropped); once ``end()`` is called, or the handler returns `false`,
/// no signal is taken or handled again.
final class SignalMailbox: Sendable {
    /// Handles one signal; returns false to stop handling signals (the connection is closing).
    typealias Handler = @Sendable (ConnectionSignal) async -> Bool

    private struct State {
        var signals: [ConnectionSignal] = []
        var handler: Handler?
        var handling = false
        var ended = false
    }

    private let state = Mutex(State())

    /// Queues a signal; starts a task to handle it when a handler is installed and none runs.
    func post(_ signal: ConnectionSignal) {
        let handler: Handler? = state.withLock { state in
            guard !state.ended else { return nil }
            if state.signals.count >= 16 { state.signals.removeFirst() }
            state.signals.append(signal)
            guard let handler = state.handler, !state.handling else { return nil }
            state.handling = true
            return handler
        }
        if let handler { Task { await self.handle(with: handler) } }
    }

    /// Installs the handler of signals; signals posted before are handled now.
    func onSignal(_ handler: @escaping Handler) {
        let start = state.withLock { state in
            state.handler = handler
            guard !state.signals.isEmpty, !state.handling, !state.ended else { return false }
            state.handling = true
            return true
        }
        if start { Task { await self.handle(with: handler) } }
    }

    /// Takes no more signals and forgets the waiting ones and the handler.
    func end() {
        state.withLock { state in
            state.ended = true
            state.signals.removeAll()
            state.handler = nil
        }
    }

    private func handle(with handler: Handler) async {
        while let next = take() {
            if await !handler(next) {
                state.withLock { state in
                    state.ended = true
                    state.signals.removeAll()
                    state.handling = false
                }
                return
            }
        }
    }

    private func take() -> ConnectionSignal? {
        state.withLock { state in
            guard !state.ended, !state.signals.isEmpty else {
                state.handling = false
                return nil
            }
            return state.signals.removeFirst()
        }
    }
}
