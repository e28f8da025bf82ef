// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import ServiceLifecycle
import TandemActors
import TandemRedis

/// Everything a node needs to run in a cluster over Redis, built once:
///
/// ```swift
/// let cluster = try ClusterRuntime(settings: settings, local: hub, logger: logger)
/// let registry = ActorRegistry(node: settings.node, …, delivery: cluster.delivery, …, cluster: cluster.seams)
/// // run `cluster` as a service next to the registry
/// ```
///
/// As a `Service` it runs the publisher, the subscriber, lease renewal and the owner
/// checks; on graceful shutdown it gives this node's leases up, so other nodes take its
/// actors over at once (the registry has passivated them by then).
public final class ClusterRuntime: Service, Sendable {
    public let settings: ClusterSettings
    public let redis: RedisClient
    public let node: ClusterNode
    public let placement: RedisPlacement
    let logger: Logger

    /// Connects lazily: a Redis that is down shows up as unavailable actors, not as a start failure.
    /// - Throws: ``RedisError`` when the subscriber's connection cannot be set up at all.
    public init(settings: ClusterSettings, local: any EventDelivery, logger: Logger) throws(RedisError) {
        self.settings = settings
        self.logger = logger
        // Named for CLIENT LIST: tandem-<node> (commands) and tandem-<node>-bus (pub/sub).
        var commands = settings.redis
        commands.clientName = commands.clientName ?? ClusterKeys.clientName(of: settings.node)
        var bus = commands
        bus.clientName = commands.clientName.map { "\($0)-bus" }
        let redis = RedisClient(commands, logger: logger)
        self.redis = redis
        let subscriber = try RedisSubscriber(bus, logger: logger)
        self.node = ClusterNode(settings: settings, redis: redis, subscriber: subscriber, local: local, logger: logger)
        self.placement = RedisPlacement(settings: settings, redis: redis, logger: logger)
    }

    /// The actors' event delivery: local connections directly, other nodes' through Redis.
    public var delivery: ClusterDelivery { ClusterDelivery(node) }

    /// The registry's seams.
    public var seams: ClusterSeams {
        ClusterSeams(
            placement: placement, relay: node, events: node, rateBudget: RedisRateBudget(redis: redis),
            takeoverWait: settings.takeoverWait)
    }

    public func run() async throws {
        logger.info("cluster node starting", metadata: ["node": "\(settings.node)", "epoch": "\(settings.epoch)"])
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.node.runPublisher() }
            group.addTask { await self.node.runSubscriber() }
            group.addTask { await self.placement.run() }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: self.settings.ownerCheckInterval)
                    await self.node.checkOwners()
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        await placement.releaseAll()
        await node.subscriber.shutdown()
        await redis.shutdown()
    }

    /// Stops at once without graceful hand-over (tests: a node that dies).
    func stopAbruptly() async {
        await node.subscriber.shutdown()
        await redis.shutdown()
    }
}
