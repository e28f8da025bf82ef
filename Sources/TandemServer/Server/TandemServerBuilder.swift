// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Prometheus
import TandemActors
import TandemCore
import TandemStore

/// Builds the HTTP and WebSocket layer of a Tandem node; `TandemApp` makes it an application.
public enum TandemServerBuilder {
    /// The router of the REST API and the HTTP/1 server that upgrades `/ws`, sharing one live service.
    public static func build(
        _ dependencies: ServerDependencies
    ) async throws -> (router: Router<TandemRequestContext>, server: HTTPServerBuilder) {
        let live = await liveService(dependencies)
        return (try await buildRouter(dependencies, live: live), httpServer(dependencies, live: live))
    }

    /// HTTP/1 with the WebSocket upgrade at `/ws` (``LiveChannel``). Every connection's
    /// pipeline adds the browser security headers to every response, and is held to the
    /// connection limits (``HTTPGuard``, which also owns the idle timeout) until it upgrades.
    static func httpServer(_ dependencies: ServerDependencies, live: LiveService) -> HTTPServerBuilder {
        let configuration = dependencies.configuration
        let headers = SecurityHeaders(production: configuration.mode == .production)
        let limits = HTTPGuardSettings(configuration.http, refusalHeaders: headers.fields)
        let http = HTTP1Channel.Configuration(additionalChannelHandlers: [SecurityHeadersHandler(headers)], idleTimeout: nil)
        let decide = upgradeDecision(dependencies, live: live)
        return HTTPServerBuilder { responder in
            HTTPGuardedChildChannel(
                base: LiveChannel(responder: responder, upgrade: decide, live: live, http: http), settings: limits)
        }
    }

    static func liveService(_ dependencies: ServerDependencies) async -> LiveService {
        LiveService(
            registry: dependencies.actors, hub: dependencies.hub, auth: await dependencies.authService(),
            store: dependencies.store, clock: dependencies.clock, settings: dependencies.liveSettings,
            origins: dependencies.originPolicy)
    }

    /// Whether an upgrade request may connect: the `/ws` router (origin, credentials) decides,
    /// then the user's connection cap.
    static func upgradeDecision(_ dependencies: ServerDependencies, live: LiveService) -> LiveUpgrader.Decide {
        let responder = webSocketRouter(dependencies, live: live).buildResponder()
        let cap = live.settings.maxConnectionsPerUser
        return { head, channel, logger in
            let context = TandemRequestContext(source: .init(channel: channel, logger: logger))
            do {
                let response = try await responder.respond(
                    to: Request(head: head, body: .init(buffer: ByteBuffer())), context: context)
                guard response.status == .ok, let accepted = context.upgrade.accepted else {
                    return .refuse(context.upgrade.refusal ?? .upgradeRefused)
                }
                if let user = accepted.identity?.user.id, cap > 0, live.hub.connections(of: user) >= cap {
                    return .refuse(.tooManyConnections(cap))
                }
                return .accept(accepted.headers, identity: accepted.identity)
            } catch {
                return .refuse(context.upgrade.refusal ?? APIError.upgradeRefusal(for: error))
            }
        }
    }

    /// The router that decides WebSocket upgrades at `/ws`.
    static func webSocketRouter(_ dependencies: ServerDependencies, live: LiveService) -> Router<TandemRequestContext> {
        let router = Router(context: TandemRequestContext.self)
        router.add(middleware: UpgradeRefusalMiddleware())
        router.add(middleware: ClientAddressMiddleware(trustedProxies: dependencies.configuration.http.trustedProxies))
        router.add(middleware: OriginCheckMiddleware(live: live))
        router.add(
            middleware: UpgradeAuthenticationMiddleware(
                authentication: AuthenticationMiddleware(auth: live.auth, store: dependencies.store),
                cache: live.identities))
        router.get("ws") { request, context -> Response in
            var headers: HTTPFields = [:]
            if let offered = request.headers[.secWebSocketProtocol],
                offered.split(separator: ",").contains(where: {
                    $0.trimmingCharacters(in: .whitespaces) == LiveService.subprotocol
                })
            {
                headers[.secWebSocketProtocol] = LiveService.subprotocol
            }
            context.upgrade.accept(headers, identity: context.identity)
            return Response(status: .ok)
        }
        return router
    }

    /// The router alone, for in-process tests.
    public static func buildRouter(_ dependencies: ServerDependencies) async throws -> Router<TandemRequestContext> {
        try await buildRouter(dependencies, live: liveService(dependencies))
    }

    static func buildRouter(_ dependencies: ServerDependencies, live: LiveService) async throws -> Router<TandemRequestContext> {
        let configuration = dependencies.configuration
        let store = dependencies.store
        let policy = AccessPolicy()
        let auth = await dependencies.authService()
        let metrics = PrometheusMetricsFactory(registry: dependencies.registry)
        let cursors = CursorSeal(secret: configuration.auth.jwtSecret)

        let router = Router(context: TandemRequestContext.self)
        router.add(middleware: ClientAddressMiddleware(trustedProxies: configuration.http.trustedProxies))
        router.add(middleware: TraceContextMiddleware())
        router.add(middleware: RequestIDMiddleware())
        router.add(middleware: HTTPMetricsMiddleware(factory: metrics))
        router.add(middleware: ErrorMiddleware())
        router.add(
            middleware: BodyLimitMiddleware(
                maxBodyBytes: configuration.http.maxBodyBytes, maxUploadBytes: configuration.attachments.maxBytes))
        StaticFiles.add(to: router, root: configuration.web.root, logger: dependencies.logger)

        HealthController(
            probes: dependencies.probes, registry: dependencies.registry, logEvents: dependencies.logEvents,
            metrics: MetricsAccess(token: configuration.metrics.token, mode: configuration.mode)
        ).addRoutes(to: router)

        let api = router.group("api/v1")
        api.get("openapi.json") { _, _ in try OpenAPIDocument.response() }
        // Browsers do not show a script why a WebSocket handshake failed: after a failed connect
        // the web client asks here (a POST, so that the browser sends its Origin; its session
        // cookie tells whether the per-user connection cap refused it).
        api.post("live/origin") { request, context -> OriginCheckAnswer in
            guard live.checkOrigin(request, context: context) else {
                throw APIError.originNotAllowed(request.headers[.origin] ?? "")
            }
            try await live.checkConnectionCap(request)
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
            throw APIError(
                .upgradeRequired, code: "upgrade_required", message: "Connect with a WebSocket (subprotocol tandem.v1).")
        }
        let mailer = Mailer(configuration: configuration, store: store, clock: dependencies.clock, logger: dependencies.logger)
        AuthController(
            auth: auth,
            signUpService: SignUpService(auth: auth, mailer: mailer, configuration: configuration, logger: dependencies.logger),
            events: identityEvents, allowSignUp: configuration.auth.allowSignUp,
            secureCookies: configuration.auth.secureCookies,
            sessionSeconds: configuration.auth.refreshTokenSeconds
        ).addRoutes(to: authenticated.group("auth"))
        UsersController(
            store: store, auth: auth, policy: policy, clock: dependencies.clock, events: identityEvents, cursors: cursors
        )
        .addRoutes(to: authenticated.group("users"))
        TeamsController(store: store, policy: policy, clock: dependencies.clock, events: identityEvents, cursors: cursors)
            .addRoutes(to: authenticated.group("teams"))
        TicketsController(
            store: store, registry: dependencies.actors, policy: policy, clock: dependencies.clock,
            limits: dependencies.actors.settings.ticket.limits, cursors: cursors,
            mail: NotificationMailer(
                configuration: configuration, store: store, clock: dependencies.clock, logger: dependencies.logger)
        )
        .addRoutes(to: authenticated.group("tickets"))
        try AttachmentsController.make(dependencies, registry: dependencies.actors, policy: policy).addRoutes(
            to: authenticated.group("tickets"))
        NotificationsController(store: store, clock: dependencies.clock, cursors: cursors)
            .addRoutes(to: authenticated.group("notifications"))
        JobsController(store: store, policy: policy, clock: dependencies.clock, cursors: cursors)
            .addRoutes(to: authenticated.group("admin/jobs"))
        MailController(store: store).addRoutes(to: authenticated.group("mail"))
        return router
    }
}
