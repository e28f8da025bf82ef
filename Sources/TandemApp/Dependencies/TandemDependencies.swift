// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Prometheus
import TandemActors
import TandemCluster
import TandemCore
import TandemServer
import TandemStore
import TandemStoreMongo

/// The parts a Tandem node is made of, built once from the configuration: what the HTTP
/// and WebSocket layer serves over (``server``), and the cluster runtime behind the
/// actors' seams when there is one. Reads ``server``'s parts directly
/// (`dependencies.store`, `dependencies.actors`).
@dynamicMemberLookup
public struct TandemDependencies: Sendable {
    /// The store, the actors, the connection hub, auth and metrics.
    public var server: ServerDependencies
    /// The cluster runtime when `cluster.redisURL` is set; `nil` for a single node.
    public var cluster: ClusterRuntime?

    public subscript<Value>(dynamicMember keyPath: KeyPath<ServerDependencies, Value>) -> Value {
        server[keyPath: keyPath]
    }

    /// Opens the configured store (and migrates it) and builds the node around it: a
    /// single node, or a cluster node when `cluster.redisURL` is set.
    public static func make(configuration: TandemConfiguration, logger: Logger) async throws -> TandemDependencies {
        let store = try await StoreFactory.open(configuration.store, logger: logger)
        guard !configuration.cluster.redisURL.isEmpty else {
            return TandemDependencies(
                configuration: configuration, store: store, clock: SystemClock(),
                throttle: InMemoryLoginThrottle(configuration.auth), registry: PrometheusCollectorRegistry(),
                logger: logger)
        }
        do {
            return try clustered(configuration: configuration, store: store, logger: logger)
        } catch {
            try? await store.close()
            throw error
        }
    }

    /// A single node around an open store: the connection hub and the actor registry.
    public init(
        configuration: TandemConfiguration, store: any TandemStore, clock: any TandemClock,
        throttle: any LoginThrottle, registry: PrometheusCollectorRegistry, logger: Logger
    ) {
        self.init(
            configuration: configuration, store: store, clock: clock, throttle: throttle, registry: registry,
            logger: logger,
            hub: ConnectionHub(node: configuration.actors.node, metrics: PrometheusMetricsFactory(registry: registry)),
            cluster: nil)
    }

    /// A node around an open store and a hub, as a node of `cluster` if given: the actors
    /// deliver events through the cluster and use its seams (placement, relay, shared state).
    init(
        configuration: TandemConfiguration, store: any TandemStore, clock: any TandemClock,
        throttle: any LoginThrottle, registry: PrometheusCollectorRegistry, logger: Logger, hub: ConnectionHub,
        cluster: ClusterRuntime?
    ) {
        let actors = ActorRegistry(
            node: hub.node, tickets: store, teams: store, users: store, notifications: store,
            delivery: cluster.map { $0.delivery } ?? hub, control: hub, clock: clock,
            settings: RegistrySettings(configuration), logger: logger, cluster: cluster?.seams,
            mail: NotificationMailer(configuration: configuration, store: store, clock: clock, logger: logger))
        self.server = ServerDependencies(
            configuration: configuration, store: store, clock: clock, throttle: throttle, registry: registry,
            logger: logger, hub: hub, actors: actors)
        self.server.attachmentStorage = Self.attachmentStorage(configuration.attachments, store: store)
        self.cluster = cluster
    }

    /// GridFS in the MongoDB store's database for `attachments.storage = gridfs`; otherwise nil
    /// (the server uses the directory `attachments.directory`).
    static func attachmentStorage(
        _ attachments: TandemConfiguration.Attachments, store: any TandemStore
    )
        -> (any AttachmentStorage)?
    {
        guard attachments.storage == "gridfs", let mongo = store as? MongoStore else { return nil }
        return mongo.gridFSAttachmentStorage
    }
}
