// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import NIOPosix
import Synchronization

/// A dedicated pub/sub connection whose messages arrive as an `AsyncSequence`.
///
/// ```swift
/// let subscriber = try RedisSubscriber(options, logger: logger)
/// try await subscriber.subscribe(["ticket:42"])
/// for await event in subscriber.events {
///     switch event {
///     case .message(let message): handle(message.payload)
///     case .disconnected, .resubscribed, .dropped: refetchFromStore()   // a possible gap
///     }
/// }
/// ```
///
/// The connection lives on a thread of its own that waits in `poll` on the socket
/// and a wake-up pipe, so nothing blocks an event loop or the cooperative pool.
/// The subscriber keeps the set of wanted channels and patterns; after the
/// connection breaks it reconnects with exponential backoff, subscribes to the
/// whole set again, and reports the gap (``RedisSubscriberEvent``). An idle
/// connection is probed with `PING` every `subscriberPingInterval`.
///
/// ``events`` has one consumer and holds at most `bufferLimit` events; what does
/// not fit is discarded and counted in a `dropped` event, so a slow consumer
/// costs bounded memory and learns that it missed messages.
public final class RedisSubscriber: Sendable {
    /// Messages and connection events, in order. Iterate it from one task.
    public let events: AsyncStream<RedisSubscriberEvent>

    private let core: SubscriberCore
    private let thread: NIOThreadPool
    private let closed = Mutex(false)

    /// Starts the subscriber's thread, which connects at once.
    /// - Throws: ``RedisError`` when the process is out of file descriptors.
    public init(_ options: RedisConnectionOptions, bufferLimit: Int = 10_000, logger: Logger) throws(RedisError) {
        var logger = logger
        logger[metadataKey: "redis"] = "\(options.host):\(options.port)"
        let (events, continuation) = AsyncStream.makeStream(
            of: RedisSubscriberEvent.self, bufferingPolicy: .bufferingOldest(max(1, bufferLimit)))
        self.events = events
        self.core = try SubscriberCore(options: options, events: continuation, logger: logger)
        self.thread = NIOThreadPool(numberOfThreads: 1)
        thread.start()
        let core = self.core
        thread.submit { _ in
            var loop = SubscriberLoop(core: core)
            loop.run()
        }
    }

    /// A subscriber for `redis://…` with default options.
    public convenience init(url: String, bufferLimit: Int = 10_000, logger: Logger) throws(RedisError) {
        try self.init(try RedisConnectionOptions(url: url), bufferLimit: bufferLimit, logger: logger)
    }

    /// Adds channels (`SUBSCRIBE`) and returns once the server confirmed them.
    /// - Throws: ``RedisError`` when the connection is down or breaks first, or the
    ///   server does not answer within `commandTimeout`. The channels stay wanted
    ///   either way, and are subscribed on the next reconnect.
    public func subscribe(_ channels: [String]) async throws(RedisError) {
        try await change(!channels.isEmpty) { $0.channels.formUnion(channels) }
    }

    /// Removes channels (`UNSUBSCRIBE`); returns once the server confirmed it.
    public func unsubscribe(_ channels: [String]) async throws(RedisError) {
        try await change(!channels.isEmpty) { $0.channels.subtract(channels) }
    }

    /// Adds glob-style patterns (`PSUBSCRIBE`); returns once the server confirmed them.
    public func psubscribe(_ patterns: [String]) async throws(RedisError) {
        try await change(!patterns.isEmpty) { $0.patterns.formUnion(patterns) }
    }

    /// Removes patterns (`PUNSUBSCRIBE`); returns once the server confirmed it.
    public func punsubscribe(_ patterns: [String]) async throws(RedisError) {
        try await change(!patterns.isEmpty) { $0.patterns.subtract(patterns) }
    }

    /// The channels and patterns wanted now.
    public var subscriptions: RedisSubscriptions { core.wanted }

    /// Closes the connection, stops the thread and finishes ``events``. Calling it again does nothing.
    public func shutdown() async {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        core.stop()
        try? await thread.shutdownGracefully()
    }

    deinit {
        if !closed.withLock({ $0 }) {
            core.stop()
            try? thread.syncShutdownGracefully()
        }
    }

    private func change(_ needed: Bool, _ update: (inout RedisSubscriptions) -> Void) async throws(RedisError) {
        guard needed else { return }
        try await core.change(update).get()
    }
}
