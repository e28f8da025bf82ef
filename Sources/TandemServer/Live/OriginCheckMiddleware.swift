// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird

/// Refuses a WebSocket upgrade from a browser origin that may not connect, before its
/// credentials are looked at. The refusal reaches the client as `403 origin_not_allowed`
/// (``UpgradeRefusalMiddleware``) and the log as a rate-limited warning (``OriginRefusalLog``).
struct OriginCheckMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext
    let live: LiveService

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard live.checkOrigin(request, context: context) else {
            throw APIError.originNotAllowed(request.headers[.origin] ?? "")
        }
        return try await next(request, context)
    }
}

extension APIError {
    /// A browser page at `origin` may not open WebSockets here.
    static func originNotAllowed(_ origin: String) -> APIError {
        APIError(
            .forbidden, code: "origin_not_allowed",
            message: "This server refused the connection from \(origin.isEmpty ? "this origin" : origin): "
                + "add it to http.allowedOrigins (TANDEM_HTTP_ALLOWED_ORIGINS), or open Tandem at an address the server allows.")
    }
}

/// `POST /api/v1/live/origin`: the origin the request came from may open WebSockets
/// (a refused one gets `403 origin_not_allowed` instead).
struct OriginCheckAnswer: ResponseEncodable, Sendable {
    /// The request's `Origin`; `nil` without one (not a browser).
    var origin: String?
    var allowed: Bool
}
