// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemRedis

/// How a node joins a cluster.
public struct ClusterSettings: Sendable {
    /// This node's id: unique in the cluster, 1–64 bytes, no `/`. Also the node part of
    /// connection addresses (`"n1/17"`).
    public var node: String
    /// A value unique to this run of the process: a restarted node is a new incarnation,
    /// and a lease held by an earlier one is taken over at once.
    public var epoch: String
    public var redis: RedisConnectionOptions
    /// How long a lease lasts without renewal; the owner renews every third of it.
    public var lease: Duration
    /// How long a relayed call may wait for its reply.
    public var callTimeout: Duration
    /// How often nodes with subscribers of actors on other nodes check that those owners still hold them.
    public var ownerCheckInterval: Duration
    /// Most messages waiting to be published; beyond it deliveries are dropped (and the receiver resyncs).
    public var outboxLimit: Int
    /// The cluster's name, the same on each of its nodes. It names the keys that describe the
    /// cluster as a whole (``ClusterKeys/placementMarker(of:)``), so that clusters sharing a
    /// Redis (tests) do not disturb each other.
    public var name: String = "main"

    public init(
        node: String, redis: RedisConnectionOptions, lease: Duration = .seconds(5),
        callTimeout: Duration = .seconds(10), epoch: String = ClusterSettings.makeEpoch()
    ) {
        self.node = node
        self.epoch = epoch
        self.redis = redis
        self.lease = lease
        self.callTimeout = callTimeout
        self.ownerCheckInterval = lease / 3
        self.outboxLimit = 100_000
    }

    /// A new epoch: the start time and a random number, in hex.
    public static func makeEpoch() -> String {
        let millis = UInt64(Date().timeIntervalSince1970 * 1000)
        return String(millis, radix: 16) + String(UInt32.random(in: 0...UInt32.max), radix: 16)
    }

    /// How long a request waits for a dead owner's lease to run out before it gives up.
    public var takeoverWait: Duration { lease + lease / 2 }
}
