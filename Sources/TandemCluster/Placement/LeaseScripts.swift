// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The Lua scripts of ``RedisPlacement``; each runs atomically in Redis.
///
/// Every script starts with the same check that Redis still has its data: KEYS[1] is the
/// cluster's marker, KEYS[2] its settling key, ARGV[1] `1` when the calling node has seen the
/// marker before, ARGV[2] the lease time in ms. A marker missing for a node that saw it means
/// Redis restarted empty: every lease is gone while their owners still serve their actors.
/// For one lease time (`settling`) no free lease is taken; each owner takes its own back at
/// its next renewal (its lease is valid by its clock for less than a lease time), so no
/// second node activates an actor whose owner is still committing.
enum LeaseScripts {
    private static let settle = """
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('SET', KEYS[1], '1')
          if ARGV[1] == '1' then redis.call('SET', KEYS[2], '1', 'PX', ARGV[2]) end
        end
        local settling = redis.call('EXISTS', KEYS[2]) == 1
        """

    /// KEYS[3] lease key; ARGV[3] token `<node>/<epoch>`, ARGV[4] `<node>/`.
    /// Takes a free lease, or one held by an earlier incarnation of this node (it is dead:
    /// node ids are unique), renews one held by this token, and returns the holder's token;
    /// `''` while settling, for a free lease.
    static let claim =
        settle + """

            local v = redis.call('GET', KEYS[3])
            if (not v) and settling then return '' end
            if (not v) or (v ~= ARGV[3] and string.sub(v, 1, #ARGV[4]) == ARGV[4]) then
              redis.call('SET', KEYS[3], ARGV[3], 'PX', ARGV[2])
              return ARGV[3]
            end
            if v == ARGV[3] then redis.call('PEXPIRE', KEYS[3], ARGV[2]) end
            return v
            """

    /// KEYS[3…] lease keys; ARGV[3] token, ARGV[4] how many of the keys (the first ones) are
    /// still valid by the node's clock → one 1 (renewed, or taken back while settling: only a
    /// valid one) or 0 (lost) per lease key.
    static let renewAll =
        settle + """

            local out = {}
            for i = 3, #KEYS do
              local v = redis.call('GET', KEYS[i])
              if v == ARGV[3] then
                redis.call('PEXPIRE', KEYS[i], ARGV[2])
                out[i - 2] = 1
              elseif (not v) and settling and i - 2 <= tonumber(ARGV[4]) then
                redis.call('SET', KEYS[i], ARGV[3], 'PX', ARGV[2])
                out[i - 2] = 1
              else
                out[i - 2] = 0
              end
            end
            return out
            """

    /// KEYS[1] lease key; ARGV[1] token → 1 if deleted.
    static let release = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """

    /// KEYS[3] `tandem:nodes`; ARGV[3] node (empty: only read). Marks the node running until
    /// now + the lease time (Redis's clock), forgets nodes that stopped, returns those running.
    static let heartbeat =
        settle + """

            local t = redis.call('TIME')
            local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
            if ARGV[3] ~= '' then redis.call('ZADD', KEYS[3], now + tonumber(ARGV[2]), ARGV[3]) end
            redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now)
            return redis.call('ZRANGE', KEYS[3], 0, -1)
            """
}
