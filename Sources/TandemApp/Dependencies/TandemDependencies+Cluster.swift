// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Prometheus
import TandemCluster
import TandemRedis
import TandemServer
import TandemStore

extension TandemDependencies {
    /// The dependencies of a cluster node (`cluster.redisURL` set): actors placed by Redis
    /// leases, calls and events relayed through Redis, throttling and rate limits in Redis.
    static func clustered(
        configuration: TandemConfiguration, store: any TandemStore, logger: Logger
    ) throws -> TandemDependencies {
        let cluster = configuration.cluster
        let node = nodeID(configuration)
        var redis = try RedisConnectionOptions(url: cluster.redisURL)
        redis.commandTimeout = .milliseconds(min(5_000, max(200, cluster.leaseMilliseconds / 3)))
        var settings = ClusterSettings(
            node: node, redis: redis, lease: .milliseconds(cluster.leaseMilliseconds),
            callTimeout: .milliseconds(cluster.callTimeoutMilliseconds))
        settings.ownerCheckInterval = .milliseconds(max(100, cluster.leaseMilliseconds / 3))
        let registry = PrometheusCollectorRegistry()
        let hub = ConnectionHub(node: node, checksVersions: true, metrics: PrometheusMetricsFactory(registry: registry))
        let runtime = try ClusterRuntime(settings: settings, local: hub, logger: logger)
        let throttle = RedisLoginThrottle(
            redis: runtime.redis, maxPerAccount: configuration.auth.maxFailedLoginsPerAccount,
            maxPerAddress: configuration.auth.maxFailedLoginsPerAddress,
            windowSeconds: configuration.auth.failedLoginWindowSeconds, logger: logger)
        logger.info("cluster node", metadata: ["node": "\(node)", "redis": "\(redis.host):\(redis.port)"])
        var dependencies = TandemDependencies(
            configuration: configuration, store: store, clock: SystemClock(), throttle: throttle, registry: registry,
            logger: logger, hub: hub, cluster: runtime)
        let redisClient = runtime.redis
        dependencies.server.probes.append(DependencyProbe(name: "redis") { _ = try await redisClient.send(RedisCommand("PING")) })
        return dependencies
    }

    /// `cluster.nodeID`, else `actors.node` unless it is the default, else `<hostname>-<pid>`.
    static func nodeID(_ configuration: TandemConfiguration) -> String {
        if !configuration.cluster.nodeID.isEmpty { return configuration.cluster.nodeID }
        if configuration.actors.node != TandemConfiguration().actors.node { return configuration.actors.node }
        let host = ProcessInfo.processInfo.hostName.filter { $0 != "/" && $0 != " " }.prefix(40)
        return "\(host.isEmpty ? "node" : String(host))-\(ProcessInfo.processInfo.processIdentifier)"
    }
}
