// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CHiredis

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One blocking hiredis connection (`redisContext`), with deadlines.
///
/// Every method blocks: call them only on a ``RedisClient`` pool thread or the
/// subscriber's own thread. Replies are awaited with `poll` against a deadline,
/// so a call never blocks past it; writes are bounded by `SO_SNDTIMEO`. After an
/// I/O, timeout or protocol error the connection is ``isBroken`` and must be dropped:
/// hiredis contexts cannot recover, and a late reply would answer the wrong call.
final class RedisConnection: @unchecked Sendable {
    // @unchecked: a connection is used by one thread at a time. The pool hands it
    // from one work item to the next only through its Mutex (which orders the
    // accesses), and a subscriber's connection never leaves its loop's thread.
    // hiredis keeps no global state, so distinct contexts are independent.

    private let context: UnsafeMutablePointer<redisContext>
    private let commandTimeout: Duration
    /// Whether an error left the connection unusable.
    private(set) var isBroken = false

    /// Connects, then sends `AUTH`, (when `selectDatabase`) `SELECT` and `CLIENT SETNAME` as the options ask.
    init(_ options: RedisConnectionOptions, selectDatabase: Bool = true) throws(RedisError) {
        var osErrno: Int32 = 0
        guard
            let context = tandem_redis_connect(
                options.host, Int32(clamping: options.port), options.connectTimeout.milliseconds(atLeast: 1), &osErrno)
        else {
            throw RedisError(.connectionRefused, "cannot allocate a hiredis context")
        }
        if context.pointee.err != 0 {
            let error = Self.connectError(context, errno: osErrno, options)
            redisFree(context)
            throw error
        }
        self.context = context
        self.commandTimeout = options.commandTimeout
        _ = tandem_redis_set_timeout(context, options.commandTimeout.milliseconds(atLeast: 1))
        _ = redisEnableKeepAlive(context)
        tandem_redis_no_sigpipe(context)

        var handshake: [RedisCommand] = []
        if let password = options.password {
            handshake.append(
                options.username.map { RedisCommand("AUTH", $0, password) } ?? RedisCommand("AUTH", password))
        }
        if selectDatabase, options.database != 0 { handshake.append(RedisCommand("SELECT", options.database)) }
        if let name = options.clientName { handshake.append(RedisCommand("CLIENT", "SETNAME", name)) }
        if !handshake.isEmpty {
            for reply in try run(handshake, deadline: .now + options.commandTimeout) { _ = try reply.get() }
        }
    }

    deinit { redisFree(context) }

    /// The socket, for `poll`.
    var fileDescriptor: Int32 { context.pointee.fd }

    /// Sends `commands` in one write and reads one reply per command, in order.
    /// Error replies are returned in place; everything else that fails throws.
    func run(_ commands: [RedisCommand], deadline: ContinuousClock.Instant) throws(RedisError) -> [RedisReply] {
        // Checked up front: a command refused half-way would leave the others queued.
        guard commands.allSatisfy(\.isSendable) else {
            throw RedisError(.invalidArgument, "a command needs a name")
        }
        for command in commands { try append(command) }
        try flush()
        var replies: [RedisReply] = []
        replies.reserveCapacity(commands.count)
        for _ in commands { replies.append(try reply(by: deadline)) }
        return replies
    }

    /// Queues a command in hiredis's output buffer (formatted with its lengths: binary-safe).
    func append(_ command: RedisCommand) throws(RedisError) {
        let status = try command.withArgv { argc, argv, lengths in
            redisAppendCommandArgv(context, argc, argv, lengths)
        }
        guard status == REDIS_OK else { throw broken(.connectionLost) }
    }

    /// Writes the whole output buffer.
    func flush() throws(RedisError) {
        var done: Int32 = 0
        repeat {
            guard redisBufferWrite(context, &done) == REDIS_OK else {
                throw broken(errno == EAGAIN || errno == EWOULDBLOCK ? .timeout : .connectionLost)
            }
        } while done == 0
    }

    /// The next reply, reading from the socket until one is complete or `deadline` passes.
    func reply(by deadline: ContinuousClock.Instant) throws(RedisError) -> RedisReply {
        while true {
            if let reply = try bufferedReply() { return reply }
            guard ContinuousClock.now < deadline else {
                isBroken = true
                throw RedisError(.timeout, "no reply from Redis within \(commandTimeout)")
            }
            if try wait(until: deadline).readable { try readAvailable() }
        }
    }

    /// The next reply already received, if one is complete.
    func bufferedReply() throws(RedisError) -> RedisReply? {
        var reply: UnsafeMutablePointer<redisReply>? = nil
        guard tandem_redis_buffered_reply(context, &reply) == REDIS_OK else { throw broken(.protocolError) }
        guard let reply else { return nil }
        defer { freeReplyObject(reply) }
        do {
            return try RedisReply(reply)
        } catch {
            isBroken = true
            throw error
        }
    }

    /// Reads what the socket holds into hiredis's reader. Call it when ``wait(until:wake:)``
    /// reported the socket readable, so that it does not block.
    func readAvailable() throws(RedisError) {
        guard redisBufferRead(context) == REDIS_OK else { throw broken(.connectionLost) }
    }

    /// Waits until the socket or `wake` (a pipe, -1 for none) is readable, or `deadline`
    /// (`nil`: no limit) passes.
    func wait(
        until deadline: ContinuousClock.Instant?, wake: Int32 = -1
    ) throws(RedisError) -> (readable: Bool, woken: Bool) {
        var timeout: Int32 = -1
        if let deadline {
            // Round up, so that waking up never happens just before the deadline.
            timeout = Int32(clamping: (deadline - .now).milliseconds() + 1)
        }
        let ready = tandem_poll(fileDescriptor, wake, timeout)
        guard ready >= 0 else {
            isBroken = true
            throw RedisError(.connectionLost, "poll failed: errno \(errno)")
        }
        return (ready & 1 != 0, ready & 2 != 0)
    }

    /// Whether an idle connection still looks usable: nothing to read (no EOF, no
    /// stray reply) and no earlier error. A Redis restart shows here before a call is lost.
    var isIdleAndHealthy: Bool {
        !isBroken && context.pointee.err == 0 && tandem_poll(fileDescriptor, -1, 0) == 0
    }

    /// Marks the connection unusable and describes hiredis's error.
    private func broken(_ kind: RedisError.Kind) -> RedisError {
        isBroken = true
        let detail = String(cString: tandem_redis_errstr(context))
        return RedisError(kind, detail.isEmpty ? "the Redis connection failed" : detail)
    }

    private static func connectError(
        _ context: UnsafeMutablePointer<redisContext>, errno osErrno: Int32, _ options: RedisConnectionOptions
    ) -> RedisError {
        let target = "\(options.host):\(options.port)"
        let detail = String(cString: tandem_redis_errstr(context))
        switch osErrno {
        case ETIMEDOUT, EINPROGRESS, EAGAIN:
            return RedisError(.timeout, "connecting to Redis at \(target) took over \(options.connectTimeout)")
        default:
            return RedisError(.connectionRefused, "cannot connect to Redis at \(target): \(detail)")
        }
    }
}
