//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
import Hummingbird
import Logging
import NIOCore
import Prometheus
import ServiceLifecycle
import TandemCore
import TandemStore

/// The parts a Tandem node is made of, built once from the configuration.
public struct TandemDependencies: Sendable {
    public var configuration: TandemConfiguration
    public var store: any TandemStore
    public var clock: any TandemClock
    public var throttle: any LoginThrottle
    public var registry: PrometheusCollectorRegistry
    public var logger: Logger

    /// Opens the configured store (and migrates it) and builds the in-process seams.
    public static func make(configuration: TandemConfiguration, logger: Logger) async throws -> TandemDependencies {
        let store = try await StoreFactory.open(configuration.store, logger: logger)
        return TandemDependencies(
            configuration: configuration, store: store, clock: SystemClock(),
            throttle: InMemoryLoginThrottle(
                maxPerAccount: configuration.auth.maxFailedLoginsPerAccount,
                maxPerAddress: configuration.auth.maxFailedLoginsPerAddress,
                windowSeconds: configuration.auth.failedLoginWindowSeconds),
            registry: PrometheusCollectorRegistry(), logger: logger)
    }

    public init(
        configuration: TandemConfiguration, store: any TandemStore, clock: any TandemClock,
        throttle: any LoginThrottle, registry: PrometheusCollectorRegistry, logger: Logger
    ) {
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.throttle = throttle
        self.registry = registry
        self.logger = logger
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

/// Opens the store named by `store.url`.
public enum StoreFactory {
    public static func open(_ configuration: TandemConfiguration.Store, logger: Logger) async throws -> any TandemStore {
        switch try StoreLocation(configuration.url) {
        case .sqlite(let path):
            let store = try SQLiteStore(
                path: path,
                configuration: .init(busyTimeout: .milliseconds(configuration.busyTimeoutMilliseconds)),
                logger: logger)
            try await store.migrate()
            return store
        }
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
        let router = try await buildRouter(dependencies)
        var app = Application(
            router: router,
            configuration: .init(
                address: .hostname(configuration.http.host, port: configuration.http.port), serverName: "Tandem"),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: dependencies.logger)
        app.addServices(StoreService(store: dependencies.store, logger: dependencies.logger))
        return app
    }

    /// The router alone, for in-process tests.
    public static func buildRouter(_ dependencies: TandemDependencies) async throws -> Router<TandemRequestContext> {
        let configuration = dependencies.configuration
        let store = dependencies.store
        let policy = AccessPolicy()
        let auth = await dependencies.authService()
        let metrics = PrometheusMetricsFactory(registry: dependencies.registry)

        let router = Router(context: TandemRequestContext.self)
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(factory: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(middleware: BodyLimitMiddleware(maxBodyBytes: configuration.http.maxBodyBytes))
        StaticFiles.add(to: router, root: configuration.web.root, logger: dependencies.logger)

        HealthController(store: store, registry: dependencies.registry).addRoutes(to: router)

        let api = router.group("api/v1")
        api.get("openapi.json") { _, _ in try OpenAPIDocument.response() }
        let authenticated = api.add(middleware: AuthenticationMiddleware(auth: auth, store: store))
        AuthController(
            auth: auth, allowSignUp: configuration.auth.allowSignUp, secureCookies: configuration.auth.secureCookies,
            sessionSeconds: configuration.auth.refreshTokenSeconds
        ).addRoutes(to: authenticated.group("auth"))
        UsersController(store: store, auth: auth, policy: policy, clock: dependencies.clock)
            .addRoutes(to: authenticated.group("users"))
        TeamsController(store: store, policy: policy, clock: dependencies.clock)
            .addRoutes(to: authenticated.group("teams"))
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
