// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CHiredis
import Logging
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What a ``RedisSubscriber``'s callers and its thread share: the wanted
/// subscriptions, the callers waiting for confirmation, the connection phase,
/// the wake-up pipe and the event stream.
final class SubscriberCore: Sendable {
    /// Where the thread is; decides what a new subscription change does.
    enum Phase: Sendable {
        /// Connecting: changes wait for the (re)subscription to be confirmed.
        case connecting
        /// Connected: changes are sent at once and confirmed with a `PING`.
        case connected
        /// Waiting to reconnect after this error: changes fail with it (and stay wanted).
        case waiting(RedisError)
        case stopped
    }

    /// A caller waiting for the server to confirm its change.
    typealias Waiter = CheckedContinuation<Result<Void, RedisError>, Never>

    private struct State {
        var wanted = RedisSubscriptions()
        var phase = Phase.connecting
        var waiters: [Waiter] = []
    }

    let options: RedisConnectionOptions
    let logger: Logger
    let events: AsyncStream<RedisSubscriberEvent>.Continuation
    /// The read end of the wake-up pipe; the thread polls it beside the socket.
    let wakeReader: Int32
    private let wakeWriter: Int32
    private let state = Mutex(State())

    init(
        options: RedisConnectionOptions, events: AsyncStream<RedisSubscriberEvent>.Continuation, logger: Logger
    ) throws(RedisError) {
        var pipe: [Int32] = [-1, -1]
        guard tandem_wake_pipe(&pipe) == 0 else {
            throw RedisError(.connectionRefused, "cannot create the subscriber's wake-up pipe: errno \(errno)")
        }
        self.wakeReader = pipe[0]
        self.wakeWriter = pipe[1]
        self.options = options
        self.events = events
        self.logger = logger
    }

    deinit {
        tandem_close(wakeReader)
        tandem_close(wakeWriter)
    }

    // MARK: Callers

    var wanted: RedisSubscriptions { state.withLock { $0.wanted } }

    /// Applies `update` to the wanted subscriptions and waits until the server confirmed it.
    func change(_ update: (inout RedisSubscriptions) -> Void) async -> Result<Void, RedisError> {
        await withCheckedContinuation { (waiter: Waiter) in
            let immediate: Result<Void, RedisError>? = state.withLock { state in
                switch state.phase {
                case .stopped:
                    return .failure(RedisError(.shutdown, "the subscriber is shut down"))
                case .waiting(let error):
                    update(&state.wanted)
                    return .failure(error)
                case .connecting, .connected:
                    update(&state.wanted)
                    state.waiters.append(waiter)
                    return nil
                }
            }
            if let immediate { waiter.resume(returning: immediate) } else { wake() }
        }
    }

    /// Asks the thread to finish; waiting callers fail with `shutdown`.
    func stop() {
        state.withLock { $0.phase = .stopped }
        wake()
    }

    /// Interrupts the thread's `poll`.
    func wake() { tandem_wake(wakeWriter) }

    // MARK: The thread

    var isStopped: Bool {
        state.withLock { if case .stopped = $0.phase { true } else { false } }
    }

    /// Enters `connecting` unless stopped; returns whether it did. Waiting callers
    /// stay queued for the next connection.
    func enterConnecting() -> Bool {
        state.withLock { state in
            if case .stopped = state.phase { return false }
            state.phase = .connecting
            return true
        }
    }

    /// Enters `phase` unless stopped, and hands over the wanted subscriptions and
    /// the callers waiting so far (`nil` when stopped).
    func enter(_ phase: Phase) -> (wanted: RedisSubscriptions, waiters: [Waiter])? {
        state.withLock { state in
            if case .stopped = state.phase { return nil }
            state.phase = phase
            defer { state.waiters.removeAll() }
            return (state.wanted, state.waiters)
        }
    }

    /// Sleeps for `delay` unless stopped first; returns whether it is still running.
    func sleep(_ delay: Duration) -> Bool {
        let deadline = ContinuousClock.now + delay
        while ContinuousClock.now < deadline {
            let millis = Int32(clamping: (deadline - .now).milliseconds() + 1)
            if tandem_poll(-1, wakeReader, millis) & 2 != 0 { tandem_drain(wakeReader) }
            if isStopped { return false }
        }
        return !isStopped
    }

    /// Fails the callers still waiting and finishes the event stream.
    func finish() {
        let waiters = state.withLock { state in
            state.phase = .stopped
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { waiter.resume(returning: .failure(RedisError(.shutdown, "the subscriber is shut down"))) }
        events.finish()
    }
}
