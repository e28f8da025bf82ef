// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization

/// The idle connections of a ``RedisClient``, and the gate that spaces out
/// connection attempts while Redis is unreachable.
///
/// After a failed attempt, further attempts wait for the backoff delay; calls in
/// between fail at once with the last error instead of each paying a connect
/// timeout (and a restarting Redis does not get a connection storm).
final class RedisConnectionPool: Sendable {
    private struct State {
        var idle: [RedisConnection] = []
        var failures = 0
        var lastError: RedisError?
        var retryAt = ContinuousClock.now
    }

    private let options: RedisConnectionOptions
    private let state = Mutex(State())
    private let logger: Logger

    init(options: RedisConnectionOptions, logger: Logger) {
        self.options = options
        self.logger = logger
    }

    /// An idle connection that still looks healthy, or a new one. Blocks.
    func checkOut() throws(RedisError) -> RedisConnection {
        while let connection = state.withLock({ $0.idle.popLast() }) {
            if connection.isIdleAndHealthy { return connection }
            // A stale connection (Redis restarted, idle timeout): dropping it closes it.
        }
        return try connect()
    }

    /// Returns a connection after a call; a broken one is closed instead.
    func checkIn(_ connection: RedisConnection) {
        guard !connection.isBroken else { return }
        state.withLock { $0.idle.append(connection) }
    }

    /// Closes the idle connections.
    func drain() {
        let idle = state.withLock { state in
            defer { state.idle.removeAll() }
            return state.idle.count
        }
        logger.debug("redis connections closed", metadata: ["idle": "\(idle)"])
    }

    private func connect() throws(RedisError) -> RedisConnection {
        let now = ContinuousClock.now
        if let (error, retryAt) = state.withLock({ state in state.lastError.map { ($0, state.retryAt) } }),
            now < retryAt
        {
            throw RedisError(error.kind, "\(error.message) (next attempt in \(retryAt - now))")
        }
        do {
            let connection = try RedisConnection(options)
            let recovered = state.withLock { state in
                defer { (state.failures, state.lastError) = (0, nil) }
                return state.failures
            }
            if recovered > 0 {
                logger.info("redis reachable again", metadata: ["failedAttempts": "\(recovered)"])
            }
            return connection
        } catch {
            let failures = state.withLock { state in
                state.failures += 1
                state.lastError = error
                state.retryAt = .now + options.reconnect.delay(afterFailures: state.failures)
                return state.failures
            }
            if failures == 1 { logger.warning("redis unreachable", metadata: ["error": "\(error)"]) }
            throw error
        }
    }
}
