// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A lease held in one Redis key: whoever's `owner` token the key holds owns the
/// resource until the key expires.
///
/// ```swift
/// let lease = RedisLease(key: "lease:ticket:42", owner: nodeID, ttl: .seconds(10))
/// if try await redis.acquire(lease) { … renew every ttl/3 while serving … }
/// ```
///
/// Taking uses `SET key owner NX PX ttl`; renewing and releasing are
/// compare-and-set Lua scripts, so a node can only extend or drop its own lease.
/// A lease is advisory: it can expire while its old owner is paused (GC, VM
/// stall), so writes must also be fenced where they land (the store's unique
/// (ticket, version) index).
public struct RedisLease: Sendable, Hashable {
    public var key: String
    /// The holder's token, unique per holder (a node id plus an activation number).
    public var owner: String
    /// How long the lease lasts after it is taken or renewed (at least 1 ms).
    public var ttl: Duration

    public init(key: String, owner: String, ttl: Duration) {
        self.key = key
        self.owner = owner
        self.ttl = ttl
    }
}

extension RedisClient {
    /// Takes the lease if nobody holds it (`SET key owner NX PX ttl`). Returns whether it was taken.
    public func acquire(_ lease: RedisLease) async throws(RedisError) -> Bool {
        let reply = try await send(RedisCommand("SET", lease.key, lease.owner, "NX", "PX", lease.milliseconds))
        switch reply {
        case .status("OK"): return true
        case .null: return false
        default: throw Self.unexpected(reply, to: "SET NX")
        }
    }

    /// Extends the lease to `ttl` from now if `owner` still holds it. Returns whether it did;
    /// `false` means the lease expired or another owner took it, and this owner must stop.
    public func renew(_ lease: RedisLease) async throws(RedisError) -> Bool {
        try await integer(RedisCommand("EVAL", Self.renewScript, 1, lease.key, lease.owner, lease.milliseconds)) == 1
    }

    /// Deletes the lease if `owner` still holds it. Returns whether it did.
    @discardableResult
    public func release(_ lease: RedisLease) async throws(RedisError) -> Bool {
        try await integer(RedisCommand("EVAL", Self.releaseScript, 1, lease.key, lease.owner)) == 1
    }

    /// The owner token a lease key holds now, if any.
    public func leaseOwner(of key: String) async throws(RedisError) -> String? {
        try await get(key).map { String(decoding: $0, as: UTF8.self) }
    }

    /// KEYS[1] = key, ARGV[1] = owner, ARGV[2] = ttl in ms → 1 if renewed, else 0.
    static let renewScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
        return 0
        """

    /// KEYS[1] = key, ARGV[1] = owner → 1 if deleted, else 0.
    static let releaseScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """
}

extension RedisLease {
    var milliseconds: Int { ttl.milliseconds(atLeast: 1) }
}
