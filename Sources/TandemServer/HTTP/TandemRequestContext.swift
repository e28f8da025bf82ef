// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import HummingbirdWebSocket
import NIOCore
import TandemCore

/// The per-request context: who is asking (once authenticated), from where,
/// and how they authenticated.
public struct TandemRequestContext: RequestContext, WebSocketRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// Set when the request upgrades to a WebSocket; kept until the connection closes
    /// (``WebSocketReferenceSlot`` says why not longer).
    public var webSocket: WebSocketHandlerReference<TandemRequestContext> { webSocketSlot.reference }
    let webSocketSlot: WebSocketReferenceSlot
    /// The client's IP address, used for login throttling and session records: the TCP
    /// peer, or what a trusted proxy says in `X-Forwarded-For` (``ClientAddressMiddleware``).
    public internal(set) var remoteAddress: String?
    /// The connection's channel; the WebSocket endpoint writes frames to it directly.
    let channel: any Channel
    /// Set by ``AuthenticationMiddleware`` when the request carries valid credentials.
    public var identity: AuthenticatedIdentity?
    /// Largest body the JSON decoder will read; set from `http.maxBodyBytes`.
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.remoteAddress = source.channel.remoteAddress?.ipAddress
        self.channel = source.channel
        self.webSocketSlot = WebSocketReferenceSlot(closeFuture: source.channel.closeFuture)
        self.identity = nil
        self.maxUploadSize = 1 << 20
    }

    /// The authenticated identity, or a 401 error.
    public func requireIdentity() throws -> AuthenticatedIdentity {
        guard let identity else {
            throw APIError(.unauthorized, code: "unauthenticated", message: "Sign in to continue.")
        }
        return identity
    }
}

/// How a request proved who it is.
public enum CredentialKind: Sendable, Hashable {
    /// `Authorization: Bearer` access token: API clients, no CSRF token needed.
    case bearer
    /// The browser's session cookie: state-changing requests need the CSRF token.
    case cookie
}

/// An authenticated user, their session and how they authenticated.
public struct AuthenticatedIdentity: Sendable {
    public var user: User
    public var session: Session
    public var principal: Principal
    public var credential: CredentialKind
}
