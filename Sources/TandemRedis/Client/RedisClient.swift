// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import NIOPosix
import Synchronization

/// A pool of command connections to one Redis server, with an async API.
///
/// ```swift
/// let redis = try RedisClient(url: "redis://127.0.0.1:6379", logger: logger)
/// try await redis.set("greeting", to: [0x00, 0xFF])
/// let replies = try await redis.pipeline([RedisCommand("INCR", "n"), RedisCommand("GET", "n")])
/// await redis.shutdown()
/// ```
///
/// hiredis calls block, so each runs on a dedicated, bounded `NIOThreadPool`
/// (never on an event loop or Swift's cooperative pool): the thread checks a
/// connection out of the pool, runs the call against a deadline and checks it
/// back in. There are as many threads as connections, so a checkout never waits.
///
/// When Redis goes away, calls fail with ``RedisError`` (`connectionLost` for a
/// call in flight, `connectionRefused` or `timeout` while it stays away); the
/// next call after it is back reconnects. A connection that failed is dropped,
/// never reused. Commands are not retried: a write may or may not have been
/// applied when its connection broke.
public final class RedisClient: Sendable {
    /// The options the client was made with.
    public let options: RedisConnectionOptions

    private let pool: RedisConnectionPool
    private let threads: NIOThreadPool
    private let closed = Mutex(false)
    private let logger: Logger

    /// Starts the pool's threads. Connects lazily: a server that is down shows
    /// up in the first call.
    public init(_ options: RedisConnectionOptions, logger: Logger) {
        var options = options
        options.maximumConnections = max(1, options.maximumConnections)
        var logger = logger
        logger[metadataKey: "redis"] = "\(options.host):\(options.port)"
        self.options = options
        self.logger = logger
        self.pool = RedisConnectionPool(options: options, logger: logger)
        self.threads = NIOThreadPool(numberOfThreads: options.maximumConnections)
        threads.start()
    }

    /// A client for `redis://[[user]:password@]host[:port][/database]` with default options.
    public convenience init(url: String, logger: Logger) throws(RedisError) {
        self.init(try RedisConnectionOptions(url: url), logger: logger)
    }

    /// Sends one command and returns its reply.
    /// - Throws: ``RedisError``; an error reply is thrown with kind `server`.
    @discardableResult
    public func send(_ command: RedisCommand) async throws(RedisError) -> RedisReply {
        try await pipeline([command])[0].get()
    }

    /// Sends the commands in one write on one connection and reads one reply per
    /// command, in order. Error replies stay in place (`.error`), so the other
    /// replies are not lost; ``RedisClient/options`` `commandTimeout` bounds the whole batch.
    /// - Throws: ``RedisError`` when the connection fails; then none of the replies is known.
    public func pipeline(_ commands: [RedisCommand]) async throws(RedisError) -> [RedisReply] {
        guard !commands.isEmpty else { return [] }
        let timeout = options.commandTimeout
        return try await withConnection { connection throws(RedisError) in
            try connection.run(commands, deadline: .now + timeout)
        }
    }

    /// Stops accepting calls, waits for the ones running, then closes the connections.
    /// Calling it again does nothing.
    public func shutdown() async {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        try? await threads.shutdownGracefully()
        pool.drain()
    }

    deinit {
        // Released without shutdown(): stop the threads (a call still running holds
        // the pool, not this client); the pool closes its connections when released.
        if !closed.withLock({ $0 }) {
            logger.warning("RedisClient released without shutdown()")
            try? threads.syncShutdownGracefully()
        }
    }

    /// Runs `body` with a pooled connection on a pool thread.
    private func withConnection<Result: Sendable>(
        _ body: @escaping @Sendable (RedisConnection) throws(RedisError) -> Result
    ) async throws(RedisError) -> Result {
        guard !closed.withLock({ $0 }) else { throw RedisError(.shutdown, "the Redis client is shut down") }
        let pool = self.pool
        do {
            return try await threads.runIfActive {
                let connection = try pool.checkOut()
                defer { pool.checkIn(connection) }
                return try body(connection)
            }
        } catch let error as RedisError {
            throw error
        } catch is CancellationError {
            throw RedisError(.cancelled, "the calling task was cancelled")
        } catch let error as NIOThreadPoolError.ThreadPoolInactive {
            throw RedisError(.shutdown, "the Redis threads are stopped: \(error)")
        } catch {
            throw RedisError(.protocolError, "unexpected error: \(error)")
        }
    }
}
