// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemActors
import TandemCore
import TandemRedis
import TandemServer

/// The ``LoginThrottle`` of a cluster: failed logins counted in Redis, so that every node
/// sees every node's failures. Each account and each client address is a sorted set of
/// attempt times (`tandem:login:account:<account>`, `tandem:login:address:<address>`,
/// expiring after the window); one script checks both limits and counts the attempt.
///
/// When Redis cannot be reached the node falls back to its own in-memory counts, so a
/// Redis outage neither locks everybody out nor lifts the limits.
public struct RedisLoginThrottle: LoginThrottle {
    let redis: RedisClient
    let maxPerAccount: Int
    let maxPerAddress: Int
    let windowMilliseconds: Int64
    let fallback: InMemoryLoginThrottle
    let logger: Logger
    /// One line per interval while Redis is away, not one per login attempt.
    private let quiet = LogThrottle(interval: .seconds(30))

    public init(redis: RedisClient, maxPerAccount: Int, maxPerAddress: Int, windowSeconds: Int, logger: Logger) {
        self.redis = redis
        self.maxPerAccount = maxPerAccount
        self.maxPerAddress = maxPerAddress
        self.windowMilliseconds = Int64(windowSeconds) * 1000
        self.fallback = InMemoryLoginThrottle(
            maxPerAccount: maxPerAccount, maxPerAddress: maxPerAddress, windowSeconds: windowSeconds)
        self.logger = logger
    }

    public func retryAfter(account: String, address: String?, now: Timestamp) async -> Int? {
        guard let wait = await run(account: account, address: address, now: now, count: false) else {
            return await fallback.retryAfter(account: account, address: address, now: now)
        }
        return wait
    }

    public func beginAttempt(account: String, address: String?, now: Timestamp) async -> Int? {
        guard let wait = await run(account: account, address: address, now: now, count: true) else {
            return await fallback.beginAttempt(account: account, address: address, now: now)
        }
        return wait
    }

    public func recordFailure(account: String, address: String?, now: Timestamp) async {
        var keys = [Self.accountKey(account)]
        if let address { keys.append(Self.addressKey(address)) }
        let member = "\(now.millisecondsSince1970)-\(UInt64.random(in: 0...UInt64.max))"
        var commands: [RedisCommand] = []
        for key in keys {
            commands.append(RedisCommand("ZADD", key, now.millisecondsSince1970, member))
            commands.append(RedisCommand("PEXPIRE", key, windowMilliseconds))
        }
        if (try? await redis.pipeline(commands)) == nil {
            await fallback.recordFailure(account: account, address: address, now: now)
        }
    }

    public func recordSuccess(account: String, address: String?, attemptedAt: Timestamp) async {
        var command = RedisCommand("EVAL", Self.successScript, address == nil ? 1 : 2, Self.accountKey(account))
        if let address { command.append(Self.addressKey(address)) }
        command.append(attemptedAt.millisecondsSince1970)
        if (try? await redis.send(command)) == nil {
            await fallback.recordSuccess(account: account, address: address, attemptedAt: attemptedAt)
        }
    }

    /// The wait in seconds (`.some(nil)`: allowed), or `nil` when Redis did not answer.
    private func run(account: String, address: String?, now: Timestamp, count: Bool) async -> Int?? {
        var command = RedisCommand("EVAL", Self.attemptScript, 2, Self.accountKey(account), address.map(Self.addressKey) ?? "")
        command.append(now.millisecondsSince1970)
        command.append(windowMilliseconds)
        command.append(maxPerAccount)
        command.append(address == nil ? 0 : maxPerAddress)
        command.append(count ? "1" : "0")
        command.append("\(now.millisecondsSince1970)-\(UInt64.random(in: 0...UInt64.max))")
        do {
            let reply = try await redis.send(command)
            guard let waitMs = reply.integer else { return nil }
            return .some(waitMs < 0 ? nil : max(1, Int((waitMs + 999) / 1000)))
        } catch {
            quiet.log(
                .warning, "login throttle: Redis unavailable, counting on this node", metadata: ["error": "\(error)"], to: logger)
            return nil
        }
    }

    static func accountKey(_ account: String) -> String { "tandem:login:account:\(account)" }
    static func addressKey(_ address: String) -> String { "tandem:login:address:\(address)" }

    /// KEYS[1] account set, KEYS[2] address set (or ""); ARGV: now, window, max per account,
    /// max per address (0: no address), count (1/0), member. Drops entries older than the
    /// window; returns the wait in ms when a limit is reached, else -1 (and, with count,
    /// records the attempt in both sets).
    static let attemptScript = """
        local now = tonumber(ARGV[1])
        local window = tonumber(ARGV[2])
        local limits = { tonumber(ARGV[3]), tonumber(ARGV[4]) }
        local wait = -1
        for i = 1, 2 do
          local key = KEYS[i]
          if key ~= '' and limits[i] > 0 then
            redis.call('ZREMRANGEBYSCORE', key, '-inf', now - window)
            if redis.call('ZCARD', key) >= limits[i] then
              local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
              local w = tonumber(oldest[2]) + window - now
              if w > wait then wait = w end
            end
          end
        end
        if wait >= 0 then return wait end
        if ARGV[5] == '1' then
          for i = 1, 2 do
            local key = KEYS[i]
            if key ~= '' and limits[i] > 0 then
              redis.call('ZADD', key, now, ARGV[6])
              redis.call('PEXPIRE', key, window)
            end
          end
        end
        return -1
        """

    /// KEYS[1] account set, KEYS[2] address set (optional); ARGV[1] the attempt's time.
    /// Clears the account's failures and takes that one attempt back from the address.
    static let successScript = """
        redis.call('DEL', KEYS[1])
        if KEYS[2] then
          local found = redis.call('ZRANGEBYSCORE', KEYS[2], ARGV[1], ARGV[1], 'LIMIT', 0, 1)
          if found[1] then redis.call('ZREM', KEYS[2], found[1]) end
        end
        return 1
        """
}
