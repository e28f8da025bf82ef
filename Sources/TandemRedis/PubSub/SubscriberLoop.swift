// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CHiredis

/// The body of a ``RedisSubscriber``'s thread: connect (with backoff), bring the
/// server's subscriptions in line with the wanted ones, deliver messages, and
/// start over when the connection breaks.
///
/// Every change a caller makes is followed on the wire by `PING <token>`; Redis
/// answers commands in order, so the matching pong confirms the change. The
/// same pong after a reconnect closes the gap (`resubscribed`), and a `PING` on an
/// idle connection proves it alive: a pong overdue by `commandTimeout` drops it.
struct SubscriberLoop {
    private let core: SubscriberCore
    private var failures = 0
    /// A `disconnected` event was emitted and its `resubscribed` is still due.
    private var gapOpen = false
    /// Events discarded because the consumer's buffer was full, not yet reported.
    private var dropped = 0
    private var nextToken: UInt64 = 0

    init(core: SubscriberCore) {
        self.core = core
    }

    mutating func run() {
        while let connection = connect() {
            guard let error = serve(connection) else { break }
            core.logger.warning("redis subscriber connection lost", metadata: ["error": "\(error)"])
            openGap(error)
        }
        core.finish()
    }

    // MARK: Connecting

    /// A new connection, after as many attempts as it takes; `nil` once stopped.
    private mutating func connect() -> RedisConnection? {
        while core.enterConnecting() {
            do {
                let connection = try RedisConnection(core.options, selectDatabase: false)
                if failures > 0 { core.logger.info("redis subscriber reconnected", metadata: ["attempts": "\(failures)"]) }
                failures = 0
                return connection
            } catch {
                failures += 1
                guard let (_, waiters) = core.enter(.waiting(error)) else { return nil }
                for waiter in waiters { waiter.resume(returning: .failure(error)) }
                openGap(error)
                let delay = core.options.reconnect.delay(afterFailures: failures)
                core.logger.debug(
                    "redis subscriber cannot connect", metadata: ["error": "\(error)", "retryIn": "\(delay)"])
                guard core.sleep(delay) else { return nil }
            }
        }
        return nil
    }

    // MARK: Serving one connection

    /// A `PING` in flight and the callers it confirms.
    private struct Pong {
        var token: String
        var deadline: ContinuousClock.Instant
        var waiters: [SubscriberCore.Waiter]
        /// This pong confirms a resubscription after a gap.
        var closesGap: Bool
    }

    /// What one connection has been asked, and what it still owes.
    private struct Session {
        var subscribed = RedisSubscriptions()
        var pongs: [Pong] = []
        var lastHeard = ContinuousClock.now
    }

    /// Serves `connection` until it breaks (returns the error) or the subscriber stops (`nil`).
    private mutating func serve(_ connection: RedisConnection) -> RedisError? {
        var session = Session()
        let interval = core.options.subscriberPingInterval
        do throws(RedisError) {
            guard try sync(connection, &session, closingGap: gapOpen) else { return nil }
            while true {
                let deadline = session.pongs.first?.deadline ?? session.lastHeard + interval
                let ready = try connection.wait(until: deadline, wake: core.wakeReader)
                if ready.woken {
                    tandem_drain(core.wakeReader)
                    guard try sync(connection, &session, closingGap: false) else {
                        fail(&session, RedisError(.shutdown, "the subscriber is shut down"))
                        return nil
                    }
                }
                if ready.readable {
                    try connection.readAvailable()
                    session.lastHeard = .now
                    while let reply = try connection.bufferedReply() { try handle(reply, &session) }
                }
                let now = ContinuousClock.now
                if let first = session.pongs.first, first.deadline <= now {
                    throw RedisError(.timeout, "Redis did not answer a PING within \(core.options.commandTimeout)")
                }
                if session.pongs.isEmpty, now >= session.lastHeard + interval {
                    try ping(connection, &session)
                }
            }
        } catch {
            fail(&session, error)
            return error
        }
    }

    /// Sends what turns the server's subscriptions into the wanted ones, then a
    /// `PING` confirming them to the waiting callers. Returns `false` when stopped.
    private mutating func sync(
        _ connection: RedisConnection, _ session: inout Session, closingGap: Bool
    ) throws(RedisError) -> Bool {
        guard let (wanted, waiters) = core.enter(.connected) else { return false }
        // Recorded before anything is written, so that a failing write fails the waiters.
        let token = !waiters.isEmpty || closingGap ? expectPong(&session, waiters: waiters, closesGap: closingGap) : nil
        let had = session.subscribed
        session.subscribed = wanted
        try send("SUBSCRIBE", wanted.channels.subtracting(had.channels), on: connection)
        try send("UNSUBSCRIBE", had.channels.subtracting(wanted.channels), on: connection)
        try send("PSUBSCRIBE", wanted.patterns.subtracting(had.patterns), on: connection)
        try send("PUNSUBSCRIBE", had.patterns.subtracting(wanted.patterns), on: connection)
        if let token { try connection.append(RedisCommand("PING", token)) }
        try connection.flush()
        return true
    }

    private func send(_ name: String, _ names: Set<String>, on connection: RedisConnection) throws(RedisError) {
        guard !names.isEmpty else { return }
        var command = RedisCommand(name)
        command.append(contentsOf: names.sorted())
        try connection.append(command)
    }

    /// Sends a keep-alive `PING`, so that a silent connection shows.
    private mutating func ping(_ connection: RedisConnection, _ session: inout Session) throws(RedisError) {
        let token = expectPong(&session, waiters: [], closesGap: false)
        try connection.append(RedisCommand("PING", token))
        try connection.flush()
    }

    /// Records the pong of a `PING` about to be sent, and returns its token.
    private mutating func expectPong(
        _ session: inout Session, waiters: [SubscriberCore.Waiter], closesGap: Bool
    ) -> String {
        nextToken += 1
        let token = "tandem:\(nextToken)"
        session.pongs.append(
            Pong(token: token, deadline: .now + core.options.commandTimeout, waiters: waiters, closesGap: closesGap))
        return token
    }

    // MARK: Replies

    private mutating func handle(_ reply: RedisReply, _ session: inout Session) throws(RedisError) {
        switch reply {
        case .array(let items):
            switch items.first?.string?.lowercased() {
            case "message" where items.count == 3:
                emit(.message(RedisMessage(channel: items[1].string ?? "", payload: items[2].bytes ?? [])))
            case "pmessage" where items.count == 4:
                emit(
                    .message(
                        RedisMessage(channel: items[2].string ?? "", pattern: items[1].string, payload: items[3].bytes ?? [])))
            case "subscribe", "unsubscribe", "psubscribe", "punsubscribe":
                break
            case "pong" where items.count == 2:
                try pong(items[1].string, &session)
            default:
                throw RedisError(.protocolError, "unexpected pub/sub reply: \(reply)")
            }
        case .bulk, .status:
            // PING outside subscribed mode (nothing subscribed) answers with its argument.
            try pong(reply.string, &session)
        case .error(let message):
            throw RedisError(.server, message)
        default:
            throw RedisError(.protocolError, "unexpected pub/sub reply: \(reply)")
        }
    }

    private mutating func pong(_ token: String?, _ session: inout Session) throws(RedisError) {
        guard let first = session.pongs.first, first.token == token else {
            throw RedisError(.protocolError, "unexpected pong \(token ?? "nil")")
        }
        session.pongs.removeFirst()
        for waiter in first.waiters { waiter.resume(returning: .success(())) }
        if first.closesGap, gapOpen {
            gapOpen = false
            emit(.resubscribed)
        }
    }

    private func fail(_ session: inout Session, _ error: RedisError) {
        for pong in session.pongs {
            for waiter in pong.waiters { waiter.resume(returning: .failure(error)) }
        }
        session.pongs.removeAll()
    }

    // MARK: Events

    /// Emits `disconnected` once per outage.
    private mutating func openGap(_ error: RedisError) {
        guard !gapOpen else { return }
        gapOpen = true
        emit(.disconnected(error))
    }

    /// Yields an event, first reporting any discarded ones; counts what does not fit.
    private mutating func emit(_ event: RedisSubscriberEvent) {
        if dropped > 0 {
            guard case .enqueued = core.events.yield(.dropped(dropped)) else {
                dropped += 1
                return
            }
            dropped = 0
        }
        if case .dropped = core.events.yield(event) { dropped += 1 }
    }
}
