// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import Hummingbird

/// The `/ws` router's first middleware: the error that refuses an upgrade (a disallowed
/// origin, credentials that do not check out, another path than `/ws`) is kept in the
/// request's ``UpgradeOutcome``, so that the client gets that error (``LiveChannel``).
struct UpgradeRefusalMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch {
            context.upgrade.refuse(APIError.upgradeRefusal(for: error))
            throw error
        }
    }
}

extension APIError {
    /// The answer to an upgrade that failed with `error`: the API error it is or translates to,
    /// else ``upgradeRefused``.
    static func upgradeRefusal(for error: any Error) -> APIError {
        (error as? APIError) ?? (error as? any HTTPResponseError).map(ErrorMiddleware<TandemRequestContext>.translate)
            ?? .upgradeRefused
    }

    /// An upgrade refused for a reason no other error names.
    static let upgradeRefused = APIError(
        .badRequest, code: "upgrade_refused",
        message: "The WebSocket upgrade was refused: connect to /ws (subprotocol tandem.v1).")
}

extension APIError {
    /// The user already holds `live.maxConnectionsPerUser` connections on this node.
    static func tooManyConnections(_ cap: Int) -> APIError {
        var error = APIError(
            .tooManyRequests, code: "too_many_connections",
            message: "At most \(cap) live connections per user; close one and reconnect.")
        error.headers[.retryAfter] = "5"
        return error
    }
}
