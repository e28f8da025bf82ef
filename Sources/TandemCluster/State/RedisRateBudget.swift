// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemActors
import TandemCore
import TandemRedis

/// A user's operation budget shared by every node: a token bucket in Redis
/// (`tandem:rate:<user>`, a hash of `tokens` and `ts`), refilled by Redis's clock
/// and taken from atomically by a script.
public struct RedisRateBudget: SharedRateBudget {
    let redis: RedisClient

    public init(redis: RedisClient) {
        self.redis = redis
    }

    public func take(user: UserID, settings: RateSettings, now: Timestamp) async -> Bool? {
        let command = RedisCommand(
            "EVAL", Self.script, 1, ClusterKeys.rate(user), "\(settings.opsPerSecond)", "\(settings.burst)")
        guard let reply = try? await redis.send(command), let taken = reply.integer else { return nil }
        return taken == 1
    }

    /// KEYS[1] bucket; ARGV[1] tokens per second, ARGV[2] burst → 1 if a token was taken.
    static let script = """
        local rate = tonumber(ARGV[1])
        local burst = tonumber(ARGV[2])
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local b = redis.call('HMGET', KEYS[1], 'tokens', 'ts')
        local tokens = tonumber(b[1]) or burst
        local ts = tonumber(b[2]) or now
        tokens = math.min(burst, tokens + math.max(0, now - ts) * rate / 1000)
        local taken = 0
        if tokens >= 1 then
          tokens = tokens - 1
          taken = 1
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(now))
        redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000) + 1000)
        return taken
        """
}
