// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization
import TandemActors
import TandemRedis

/// ``Placement`` through leases in Redis: `tandem:lease:<kind>:<id>` holds the owner's
/// token `<node>/<epoch>` and expires after the lease time unless renewed.
///
/// Every third of the lease time the node renews all its leases in one script and marks
/// itself running in `tandem:nodes`. A lease counts as held only until the lease time
/// (less a tenth, for clock drift) after the request that last took or renewed it was
/// *sent*; so when Redis cannot be reached, the node stops serving its actors before
/// Redis lets another node take them. A renewal that finds the lease gone or taken
/// reports it in ``lost`` at once.
///
/// When Redis restarts without its data, every lease is gone while the owners still serve
/// their actors: for one lease time nobody takes a free lease, and each owner takes its own
/// back at its next renewal (``LeaseScripts``). Clients notice nothing but the relay's resync.
public final class RedisPlacement: Placement {
    public let node: String
    let token: String
    let lease: Duration
    let redis: RedisClient
    let logger: Logger
    public let lost: AsyncStream<ActorKey>
    private let lostContinuation: AsyncStream<ActorKey>.Continuation
    /// Held leases and until when they are valid by this node's clock.
    private let held = Mutex<[ActorKey: ContinuousClock.Instant]>([:])
    /// Tests: simulates a paused node (no renewals).
    let renewalPaused = Atomic<Bool>(false)
    /// Whether a script of this node found the cluster's marker (or set it): from then on, a
    /// missing marker means that Redis lost its data.
    private let sawMarker = Atomic<Bool>(false)
    private let marker: String
    private let settling: String

    public init(settings: ClusterSettings, redis: RedisClient, logger: Logger) {
        self.node = settings.node
        self.token = "\(settings.node)/\(settings.epoch)"
        self.lease = settings.lease
        self.redis = redis
        self.logger = logger
        self.marker = ClusterKeys.placementMarker(of: settings.name)
        self.settling = ClusterKeys.placementSettling(of: settings.name)
        (lost, lostContinuation) = AsyncStream.makeStream(of: ActorKey.self)
    }

    private var validity: Duration { lease - lease / 10 }
    private var milliseconds: Int { lease.milliseconds }

    public func claim(_ key: ActorKey) async throws(PlacementError) -> String {
        let sent = ContinuousClock.now
        let reply: RedisReply
        do {
            reply = try await send(LeaseScripts.claim, keys: [ClusterKeys.lease(key)], arguments: [token, "\(node)/"])
        } catch {
            throw PlacementError("\(error)")
        }
        guard let holder = reply.string else { throw PlacementError("unexpected reply \(reply)") }
        if holder.isEmpty { throw PlacementError.settling }
        if holder == token {
            held.withLock { $0[key] = sent + validity }
            return node
        }
        return ClusterKeys.node(ofToken: holder)
    }

    public func owner(of key: ActorKey) async throws(PlacementError) -> String? {
        if holds(key) { return node }
        do {
            return try await redis.get(ClusterKeys.lease(key)).map {
                ClusterKeys.node(ofToken: String(decoding: $0, as: UTF8.self))
            }
        } catch {
            throw PlacementError("\(error)")
        }
    }

    public func holds(_ key: ActorKey) -> Bool {
        guard let until = held.withLock({ $0[key] }) else { return false }
        return ContinuousClock.now < until
    }

    public func release(_ key: ActorKey) async {
        guard held.withLock({ $0.removeValue(forKey: key) }) != nil else { return }
        _ = try? await redis.send(RedisCommand("EVAL", LeaseScripts.release, 1, ClusterKeys.lease(key), token))
    }

    public func liveNodes() async throws(PlacementError) -> Set<String> {
        try await heartbeat(mark: false)
    }

    /// Renews every held lease; reports the ones lost. Also marks this node running.
    func renew() async {
        guard !renewalPaused.load(ordering: .relaxed) else {
            expireOverdue()
            return
        }
        _ = try? await heartbeat(mark: true)
        // The leases still valid by this clock first: only those may be taken back while settling.
        let now = ContinuousClock.now
        let (keys, valid) = held.withLock { held in
            let valid = held.filter { $0.value > now }.map(\.key)
            return (valid + held.filter { $0.value <= now }.map(\.key), valid.count)
        }
        guard !keys.isEmpty else { return }
        let sent = ContinuousClock.now
        guard
            let reply = try? await send(
                LeaseScripts.renewAll, keys: keys.map(ClusterKeys.lease), arguments: [token, String(valid)]),
            let results = reply.array, results.count == keys.count
        else {
            expireOverdue()
            return
        }
        var gone: [ActorKey] = []
        held.withLock { held in
            for (key, result) in zip(keys, results) where held[key] != nil {
                if result.integer == 1 {
                    held[key] = sent + validity
                } else {
                    held[key] = nil
                    gone.append(key)
                }
            }
        }
        report(gone)
    }

    /// Drops the leases whose validity ran out (Redis unreachable, or renewals paused).
    private func expireOverdue() {
        let now = ContinuousClock.now
        let gone = held.withLock { held in
            let overdue = held.filter { $0.value <= now }.map(\.key)
            for key in overdue { held[key] = nil }
            return overdue
        }
        report(gone)
    }

    /// Reports lost leases: one log line per renewal, however many were lost.
    private func report(_ keys: [ActorKey]) {
        guard !keys.isEmpty else { return }
        logger.warning(
            "leases lost",
            metadata: ["count": "\(keys.count)", "actors": "\(keys.prefix(5).map(\.description).joined(separator: " "))"])
        for key in keys { lostContinuation.yield(key) }
    }

    private func heartbeat(mark: Bool) async throws(PlacementError) -> Set<String> {
        do {
            let reply = try await send(LeaseScripts.heartbeat, keys: [ClusterKeys.nodes], arguments: [mark ? node : ""])
            return Set((reply.array ?? []).compactMap(\.string))
        } catch {
            throw PlacementError("\(error)")
        }
    }

    /// Runs one of the ``LeaseScripts``: the marker and settling keys come first, then `keys`;
    /// the marker flag and the lease time first, then `arguments`.
    private func send(_ script: String, keys: [String], arguments: [String]) async throws -> RedisReply {
        var command = RedisCommand("EVAL", script, keys.count + 2, marker, settling)
        command.append(contentsOf: keys)
        command.append(sawMarker.load(ordering: .relaxed) ? "1" : "0")
        command.append(milliseconds)
        command.append(contentsOf: arguments)
        let reply = try await redis.send(command)
        sawMarker.store(true, ordering: .relaxed)
        return reply
    }

    /// Renews every third of the lease time until cancelled; then gives every lease up.
    func run() async {
        while !Task.isCancelled {
            await renew()
            try? await Task.sleep(for: lease / 3)
        }
    }

    /// Gives every held lease up and marks the node stopped (graceful shutdown).
    func releaseAll() async {
        let keys = held.withLock { held in
            defer { held.removeAll() }
            return Array(held.keys)
        }
        for key in keys {
            _ = try? await redis.send(RedisCommand("EVAL", LeaseScripts.release, 1, ClusterKeys.lease(key), token))
        }
        _ = try? await redis.send(RedisCommand("ZREM", ClusterKeys.nodes, node))
    }
}

extension Duration {
    /// Whole milliseconds (at least 1).
    var milliseconds: Int {
        let (seconds, attoseconds) = components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
