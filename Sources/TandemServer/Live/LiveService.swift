// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import Logging
import NIOCore
import TandemActors
import TandemCore
import TandemStore

/// The WebSocket endpoint `/ws` (subprotocol `tandem.v1`): what every connection shares.
/// Each connection is a ``LiveSession`` with a ``LiveChannelHandler``, made by ``open(identity:logger:)``.
/// See docs/PROTOCOL.md.
struct LiveService: Sendable {
    static let subprotocol = "tandem.v1"

    let registry: ActorRegistry
    let hub: ConnectionHub
    let auth: AuthService
    let store: any TandemStore
    let clock: any TandemClock
    let settings: LiveSettings
    let policy = AccessPolicy()
    /// Identities of credentials recently checked on upgrade (see ``UpgradeAuthenticationMiddleware``).
    let identities = IdentityCache()
    /// One heartbeat timer per event loop for all its connections.
    let heartbeats = HeartbeatWheels()

    /// Which browser origins may connect (``OriginPolicy``).
    let origins: OriginPolicy
    /// Refused origins, logged at most once a minute each.
    let originRefusals = OriginRefusalLog()

    /// Whether the request's `Origin` may open a WebSocket on this connection; a refusal is
    /// logged (rate-limited) with the setting that would allow it.
    func checkOrigin(_ request: Request, context: TandemRequestContext) -> Bool {
        let origin = request.headers[.origin]
        let host = request.head.authority
        let port = context.channel.localAddress?.port
        if origins.allows(origin: origin, host: host, localPort: port) { return true }
        originRefusals.refused(origin: origin ?? "", host: host, policy: origins, localPort: port, logger: context.logger)
        return false
    }

    /// Throws ``APIError/tooManyConnections(_:)`` when the request's session cookie belongs to a
    /// user who holds `live.maxConnectionsPerUser` connections on this node: what a browser,
    /// which cannot read a refused handshake's answer, is told after one (`POST /live/origin`).
    func checkConnectionCap(_ request: Request) async throws {
        let cap = settings.maxConnectionsPerUser
        guard cap > 0, let cookie = request.cookies[CookieName.session]?.value,
            let (user, _) = try? await auth.authenticate(sessionCookie: cookie)
        else { return }
        if hub.connections(of: user.id) >= cap { throw APIError.tooManyConnections(cap) }
    }

    /// Makes the session of a connection just upgraded on `channel` and its channel handler,
    /// which the caller adds as the pipeline's last handler; `identity` when the upgrade
    /// request carried a valid credential.
    func open(identity: AuthenticatedIdentity?, logger: Logger) -> (LiveSession, LiveChannelHandler) {
        let session = LiveSession(service: self, connection: hub.open(), logger: logger)
        if let identity { session.identity = identity }
        return (session, LiveChannelHandler(session: session, settings: settings, heartbeats: heartbeats))
    }
}
