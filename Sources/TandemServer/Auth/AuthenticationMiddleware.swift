// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore
import TandemStore

/// Names of the browser cookies.
enum CookieName {
    /// HttpOnly session cookie holding the session token.
    static let session = "tandem_session"
    /// Readable cookie holding the CSRF token, echoed back in `X-CSRF-Token`.
    static let csrf = "tandem_csrf"
}

/// Resolves credentials into an ``AuthenticatedIdentity`` on the context, and
/// enforces CSRF for cookie-authenticated state-changing requests.
///
/// A request with an `Authorization: Bearer` header that does not verify is
/// refused (401), never treated as anonymous. A stale cookie is ignored.
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext
    let auth: AuthService
    let store: any TandemStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        var context = context
        if let header = request.headers[.authorization] {
            guard header.lowercased().hasPrefix("bearer "),
                let (user, session) = try await auth.authenticate(accessToken: String(header.dropFirst(7)))
            else {
                throw APIError(
                    .unauthorized, code: "invalid_token", message: "The access token is invalid, expired or revoked.",
                    headers: [.wwwAuthenticate: "Bearer"])
            }
            context.identity = try await identity(user, session, .bearer)
        } else if let cookie = request.cookies[CookieName.session]?.value,
            let (user, session) = try await auth.authenticate(sessionCookie: cookie)
        {
            if !Self.safeMethods.contains(request.method) {
                try checkCSRF(request, session: session)
            }
            context.identity = try await identity(user, session, .cookie)
        }
        return try await next(request, context)
    }

    private static let safeMethods: Set<HTTPRequest.Method> = [.get, .head, .options]

    /// Double submit, bound to the session: the header must equal both the CSRF cookie and the session's token.
    private func checkCSRF(_ request: Request, session: Session) throws {
        let header = request.headers[.csrfToken]
        let cookie = request.cookies[CookieName.csrf]?.value
        guard let header, let cookie, header == cookie,
            SecretTokenComparison.equal(header, session.csrfToken)
        else {
            throw APIError(
                .forbidden, code: "csrf_failed",
                message: "Missing or wrong X-CSRF-Token header for a cookie-authenticated request.")
        }
    }

    private func identity(_ user: User, _ session: Session, _ kind: CredentialKind) async throws -> AuthenticatedIdentity {
        let teams = try await store.memberships(of: user.id)
        return AuthenticatedIdentity(
            user: user, session: session, principal: Principal(userID: user.id, role: user.role, teams: teams),
            credential: kind)
    }
}

/// Constant-time equality for secrets and MACs.
enum SecretTokenComparison {
    static func equal(_ a: String, _ b: String) -> Bool {
        equal(a.utf8, b.utf8)
    }

    static func equal(_ a: some Sequence<UInt8>, _ b: some Sequence<UInt8>) -> Bool {
        let x = Array(a)
        let y = Array(b)
        guard x.count == y.count else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
