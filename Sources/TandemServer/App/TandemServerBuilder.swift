//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdWebSocket
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import TandemActors
import TandemCluster
import TandemCore
import TandemStore
import TandemStoreMongo
import TandemStoreSQLite

/// The parts a Tandem node is made of, built once from the configuration.
public struct TandemDependencies: Sendable {
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
    /// The cluster runtime when `cluster.redisURL` is set; `nil` for a single node.
    public var cluster: ClusterRuntime?

    /// Opens the configured store (and migrates it) and builds the in-process seams.
    public static func make(configuration: TandemConfiguration, logger: Logger) async throws -> TandemDependencies {
        let store = try await StoreFactory.open(configuration.store, logger: logger)
        if !configuration.cluster.redisURL.isEmpty {
            return try clustered(configuration: configuration, store: store, logger: logger)
        }
        return TandemDependencies(
            configuration: configuration, store: store, clock: SystemClock(),
            throttle: InMemoryLoginThrottle(
                maxPerAccount: configuration.auth.maxFailedLoginsPerAccount,
                maxPerAddress: configuration.auth.maxFailedLoginsPerAddress,
                windowSeconds: configuration.auth.failedLoginWindowSeconds),
            registry: PrometheusCollectorRegistry(), logger: logger)
    }

    /// Builds the dependencies around an open store: the connection hub and the actor registry.
    public init(
        configuration: TandemConfiguration, store: any TandemStore, clock: any TandemClock,
        throttle: any LoginThrottle, registry: PrometheusCollectorRegistry, logger: Logger
    ) {
        let node = configuration.actors.node
        self.init(
            configuration: configuration, store: store, clock: clock, throttle: throttle, registry: registry,
            logger: logger, hub: ConnectionHub(node: node, metrics: PrometheusMetricsFactory(registry: registry)),
            cluster: nil)
    }

    /// Builds the dependencies around an open store and a hub, as a node of `cluster` if given.
    init(
        configuration: TandemConfiguration, store: any TandemStore, clock: any TandemClock,
        throttle: any LoginThrottle, registry: PrometheusCollectorRegistry, logger: Logger, hub: ConnectionHub,
        cluster: ClusterRuntime?
    ) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.throttle = throttle
        self.registry = registry
        self.logger = logger
        self.cluster = cluster
        let node = hub.node
        self.hub = hub
        var settings = RegistrySettings()
        settings.idleMilliseconds = Int64(configuration.actors.idleSeconds) * 1000
        settings.ticket.snapshotEveryOps = configuration.actors.snapshotEveryOps
        settings.ticket.snapshotIntervalMilliseconds = Int64(configuration.actors.snapshotIntervalMilliseconds)
        settings.ticket.limits.maxTextScalars = configuration.actors.maxTextScalars
        settings.ticket.replyUndoMilliseconds = Int64(configuration.replies.undoMilliseconds)
        // A viewer stays up to two heartbeats without one, never less than 30 s (unless configured);
        // typing and carets need their own renewal (`activityTTLMilliseconds`).
        settings.ticket.presenceTTLMilliseconds =
            configuration.cluster.presenceTTLMilliseconds > 0
            ? Int64(configuration.cluster.presenceTTLMilliseconds)
            : max(30_000, Int64(configuration.live.heartbeatSeconds) * 2_000)
        settings.rate.opsPerSecond = Double(configuration.live.opsPerSecond)
        settings.rate.burst = Double(configuration.live.opsBurst)
        self.actors = ActorRegistry(
            node: node, tickets: store, teams: store, users: store, notifications: store,
            delivery: cluster.map { $0.delivery } ?? hub, control: hub, clock: clock, settings: settings, logger: logger,
            cluster: cluster?.seams)
    }

    /// Live-connection settings from the configuration.
    var liveSettings: LiveSettings {
        var live = LiveSettings()
        live.maxMessageBytes = configuration.live.maxMessageBytes
        live.maxSubscriptions = configuration.live.maxSubscriptions
        live.heartbeatSeconds = configuration.live.heartbeatSeconds
        return live
    }

    /// Which browser origins may open WebSockets, from `http.allowedOrigins` and `http.host`.
    var originPolicy: OriginPolicy {
        OriginPolicy(configured: configuration.http.allowedOrigins, bindHost: configuration.http.host)
    }

    /// The authentication flows over these dependencies.
    public func authService() async -> AuthService {
        let auth = configuration.auth
        let tokens = await TokenService(
            secret: auth.jwtSecret, keyID: auth.jwtKeyID, issuer: auth.issuer, audience: auth.audience,
            accessTokenSeconds: auth.accessTokenSeconds)
        return AuthService(
            store: store, hasher: PasswordHasher(cost: auth.bcryptCost), tokens: tokens, throttle: throttle,
            clock: clock, refreshLifetimeSeconds: auth.refreshTokenSeconds, logger: logger)
    }
}

/// Opens the store named by `store.url`: SQLite for `sqlite:PATH`, MongoDB for
/// `mongodb://…` and `mongodb+srv://…`. The store is migrated before it is returned.
public enum StoreFactory {
    public static func open(_ configuration: TandemConfiguration.Store, logger: Logger) async throws -> any TandemStore {
        let store: any TandemStore
        switch try StoreLocation(configuration.url) {
        case .sqlite(let path):
            store = try SQLiteStore(
                path: path,
                configuration: .init(busyTimeout: .milliseconds(configuration.busyTimeoutMilliseconds)),
                logger: logger)
        case .mongodb(let url):
            let mongo = configuration.mongo
            store = try MongoStore(
                configuration: .init(
                    url: url, serverSelectionTimeout: .milliseconds(mongo.serverSelectionTimeoutMilliseconds),
                    socketTimeout: .milliseconds(mongo.socketTimeoutMilliseconds),
                    writeConcernTimeout: .milliseconds(mongo.writeConcernTimeoutMilliseconds),
                    maximumConnections: mongo.maxConnections),
                logger: logger)
        }
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }
}

/// Builds the Hummingbird application of a Tandem node.
public enum TandemServerBuilder {
    /// The application: routes, middleware and the services that must stop with it.
    /// `onServerRunning` receives the bound port (useful with port 0).
    public static func build(
        _ dependencies: TandemDependencies,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let configuration = dependencies.configuration
        let live = await liveService(dependencies)
        let router = try await buildRouter(dependencies, live: live)
        var app = Application(
            router: router,
            server: httpServer(dependencies, live: live),
            configuration: .init(
                address: .hostname(configuration.http.host, port: configuration.http.port), serverName: "Tandem",
                backlog: listenBacklog(configuration.http.backlog)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: dependencies.logger)
        // Shutdown runs in reverse: the server drains first, then the actors write their
        // final snapshots, then the store closes.
        app.addServices(
            StoreService(store: dependencies.store, logger: dependencies.logger),
            RetentionService(
                store: dependencies.store, settings: configuration.retention, clock: dependencies.clock,
                logger: dependencies.logger),
        )
        if let cluster = dependencies.cluster {
            // Before the registry, so that it stops after it: the actors write their final
            // snapshots and hand their leases back while Redis is still reachable.
            app.addServices(cluster)
        }
        app.addServices(dependencies.actors)
        return app
    }

    /// HTTP/1 with the WebSocket upgrade at `/ws`. Every connection's pipeline adds the
    /// browser security headers to every response.
    static func httpServer(_ dependencies: TandemDependencies, live: LiveService) -> HTTPServerBuilder {
        let configuration = dependencies.configuration
        let headers = SecurityHeaders(production: configuration.mode == .production)
        return .http1WebSocketUpgrade(
            webSocketRouter: webSocketRouter(dependencies, live: live),
            configuration: .init(
                http1: .init(
                    additionalChannelHandlers: [SecurityHeadersHandler(headers)],
                    idleTimeout: .seconds(Int64(configuration.http.idleTimeoutSeconds))),
                ws: .init(
                    maxFrameSize: configuration.live.maxMessageBytes,
                    autoPing: .enabled(timePeriod: .seconds(configuration.live.heartbeatSeconds)))))
    }

    /// `http.backlog`, capped at the kernel's `net.core.somaxconn` where it is readable
    /// (Linux caps it silently anyway; capping here keeps the value we report true).
    static func listenBacklog(_ configured: Int) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/core/somaxconn", encoding: .utf8),
            let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
        else { return configured }
        return min(configured, limit)
    }

    static func liveService(_ dependencies: TandemDependencies) async -> LiveService {
        LiveService(
            registry: dependencies.actors, hub: dependencies.hub, auth: await dependencies.authService(),
            store: dependencies.store, clock: dependencies.clock, settings: dependencies.liveSettings,
            origins: dependencies.originPolicy)
    }

    /// The router that accepts WebSocket upgrades at `/ws`.
    static func webSocketRouter(_ dependencies: TandemDependencies, live: LiveService) -> Router<TandemRequestContext> {
        let router = Router(context: TandemRequestContext.self)
        router.add(middleware: UpgradeRefusalMiddleware())
        router.add(middleware: ClientAddressMiddleware(trustedProxies: dependencies.configuration.http.trustedProxies))
        router.add(middleware: OriginCheckMiddleware(live: live))
        router.add(
            middleware: UpgradeAuthenticationMiddleware(
                authentication: AuthenticationMiddleware(auth: live.auth, store: dependencies.store),
                cache: live.identities))
        router.ws("ws") { request, _ in
            var headers: HTTPFields = [:]
            if let offered = request.headers[.secWebSocketProtocol],
                offered.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == LiveService.subprotocol })
            {
                headers[.secWebSocketProtocol] = LiveService.subprotocol
            }
            return .upgrade(headers)
        } onUpgrade: { inbound, outbound, context in
            await live.run(
                inbound: inbound, outbound: outbound, channel: context.requestContext.channel,
                identity: context.requestContext.identity, logger: context.logger)
        }
        return router
    }

    /// The router alone, for in-process tests.
    public static func buildRouter(_ dependencies: TandemDependencies) async throws -> Router<TandemRequestContext> {
        try await buildRouter(dependencies, live: liveService(dependencies))
    }

    static func buildRouter(_ dependencies: TandemDependencies, live: LiveService) async throws -> Router<TandemRequestContext> {
        let configuration = dependencies.configuration
        let store = dependencies.store
        let policy = AccessPolicy()
        let auth = await dependencies.authService()
        let metrics = PrometheusMetricsFactory(registry: dependencies.registry)
        let cursors = CursorSeal(secret: configuration.auth.jwtSecret)

        let router = Router(context: TandemRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.http.trustedProxies))
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(factory: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: BodyLimitMiddleware(maxBodyBytes: configuration.http.maxBodyBytes))
        StaticFiles.add(to: router, root: configuration.web.root, logger: dependencies.logger)

        HealthController(
            store: store, registry: dependencies.registry,
            metrics: MetricsAccess(token: configuration.metrics.token, mode: configuration.mode)
        ).addRoutes(to: router)

        let api = router.group("api/v1")
        api.get("openapi.json") { _, _ in try OpenAPIDocument.response() }
        // Browsers do not show a script why a WebSocket handshake failed: after a failed connect
        // the web client asks here (a POST, so that the browser sends its Origin).
        api.post("live/origin") { request, context -> OriginCheckAnswer in
            guard live.checkOrigin(request, context: context) else {
                throw APIError.originNotAllowed(request.headers[.origin] ?? "")
            }
            return OriginCheckAnswer(origin: request.headers[.origin], allowed: true)
        }
        let authenticated = api.add(middleware: AuthenticationMiddleware(auth: auth, store: store))
        let identityEvents = LocalIdentityEvents(registry: dependencies.actors, identities: live.identities)
        // A plain GET /ws (no upgrade) says why it is not one. (A refused upgrade is answered by
        // the WebSocket router: ``UpgradeRefusalMiddleware``.)
        router.get("ws") { request, context -> Response in
            guard live.checkOrigin(request, context: context) else {
                throw APIError.originNotAllowed(request.headers[.origin] ?? "")
            }
            throw APIError(.upgradeRequired, code: "upgrade_required", message: "Connect with a WebSocket (subprotocol tandem.v1).")
        }
        AuthController(
            auth: auth, events: identityEvents, allowSignUp: configuration.auth.allowSignUp, secureCookies: configuration.auth.secureCookies,
            sessionSeconds: configuration.auth.refreshTokenSeconds
        ).addRoutes(to: authenticated.group("auth"))
        UsersController(
            store: store, auth: auth, policy: policy, clock: dependencies.clock, events: identityEvents, cursors: cursors)
            .addRoutes(to: authenticated.group("users"))
        TeamsController(store: store, policy: policy, clock: dependencies.clock, events: identityEvents, cursors: cursors)
            .addRoutes(to: authenticated.group("teams"))
        TicketsController(
            store: store, registry: dependencies.actors, policy: policy, clock: dependencies.clock,
            limits: dependencies.actors.settings.ticket.limits, cursors: cursors)
            .addRoutes(to: authenticated.group("tickets"))
        NotificationsController(store: store, clock: dependencies.clock, cursors: cursors)
            .addRoutes(to: authenticated.group("notifications"))
        return router
    }
}

/// Closes the store after the HTTP server has drained, on graceful shutdown.
struct StoreService: Service {
    let store: any TandemStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("flushing and closing the store")
        try await store.close()
    }
}

/// Sets the per-request body limit from `http.maxBodyBytes`.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        context.maxUploadSize = maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError(
                .contentTooLarge, code: "body_too_large", message: "The request body is larger than \(maxBodyBytes) bytes.")
        }
        return try await next(request, context)
    }
}
