//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

/// The Lua scripts of ``RedisPlacement``; each runs atomically in Redis.
enum LeaseScripts {
    /// KEYS[1] lease key; ARGV[1] token `<node>/<epoch>`, ARGV[2] ttl ms, ARGV[3] `<node>/`.
    /// Takes a free lease, or one held by an earlier incarnation of this node (it is dead:
    /// node ids are unique), renews one held by this token, and returns the holder's token.
    static let claim = """
        local v = redis.call('GET', KEYS[1])
        if (not v) or (v ~= ARGV[1] and string.sub(v, 1, #ARGV[3]) == ARGV[3]) then
          redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
          return ARGV[1]
        end
        if v == ARGV[1] then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return v
        """

    /// KEYS = lease keys; ARGV[1] token, ARGV[2] ttl ms → one 1 (renewed) or 0 (lost) per key.
    static let renewAll = """
        local out = {}
        for i, key in ipairs(KEYS) do
          if redis.call('GET', key) == ARGV[1] then
            redis.call('PEXPIRE', key, ARGV[2])
            out[i] = 1
          else
            out[i] = 0
          end
        end
        return out
        """

    /// KEYS[1] lease key; ARGV[1] token → 1 if deleted.
    static let release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """

    /// KEYS[1] `tandem:nodes`; ARGV[1] node, ARGV[2] ttl ms. Marks the node running until
    /// now + ttl (Redis's clock), forgets nodes that stopped, returns those running.
    static let heartbeat = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        if ARGV[1] ~= '' then redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1]) end
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
        return redis.call('ZRANGE', KEYS[1], 0, -1)
        """
}
