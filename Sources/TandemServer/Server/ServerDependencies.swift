// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Prometheus
import TandemActors
import TandemCore
import TandemStore

/// What the HTTP and WebSocket layer serves over: seams only (the store protocols, the
/// actors), never an implementation of them. `TandemApp` builds them from the configuration.
public struct ServerDependencies: Sendable {
    public var configuration: TandemConfiguration
    public var store: any TandemStore
    public var clock: any TandemClock
    public var throttle: any LoginThrottle
    public var registry: PrometheusCollectorRegistry
    public var logger: Logger
    /// This node's WebSocket connections; the actors' event delivery.
    public var hub: ConnectionHub
    /// This node's ticket, team and session actors.
    public var actors: ActorRegistry
    /// The WebSocket protocol's settings: from `live.*`, and defaults for the rest
    /// (authentication timeout, abuse threshold), which tests may change.
    public var liveSettings: LiveSettings
    /// What `/readyz` and `/metrics` check: the store, and what the node adds (Redis in a cluster).
    public var probes: [DependencyProbe]
    /// Error log events per fingerprint, for `/metrics`; the process's log handler feeds it
    /// (``FingerprintLogHandler``).
    public var logEvents = LogEventCounter()
    /// Where attachment bytes live (`TandemApp` picks it from `attachments.storage`); `nil`: the
    /// directory `attachments.directory`.
    public var attachmentStorage: (any AttachmentStorage)? = nil

    public init(
        configuration: TandemConfiguration, store: any TandemStore, clock: any TandemClock,
        throttle: any LoginThrottle, registry: PrometheusCollectorRegistry, logger: Logger, hub: ConnectionHub,
        actors: ActorRegistry
    ) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.throttle = throttle
        self.registry = registry
        self.logger = logger
        self.hub = hub
        self.actors = actors
        var live = LiveSettings()
        live.maxMessageBytes = configuration.live.maxMessageBytes
        live.maxSubscriptions = configuration.live.maxSubscriptions
        live.heartbeatSeconds = configuration.live.heartbeatSeconds
        live.maxConnectionsPerUser = configuration.live.maxConnectionsPerUser
        live.outbound.nodeBytes = configuration.live.outboundBudgetBytes
        self.liveSettings = live
        self.probes = [DependencyProbe(name: "store") { try await store.ping() }]
    }

    /// Which browser origins may open WebSockets, from `http.allowedOrigins` and `http.host`.
    var originPolicy: OriginPolicy {
        OriginPolicy(configured: configuration.http.allowedOrigins, bindHost: configuration.http.host)
    }

    /// The authentication flows over these dependencies.
    public func authService() async -> AuthService {
        await AuthService.make(configuration.auth, store: store, throttle: throttle, clock: clock, logger: logger)
    }
}
