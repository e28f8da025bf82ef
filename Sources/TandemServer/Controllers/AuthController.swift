// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore
import TandemStore

/// `/api/v1/auth`: sign-up, login, refresh, logout, me, password change.
struct AuthController {
    typealias Context = TandemRequestContext
    let auth: AuthService
    let signUpService: SignUpService
    let events: any IdentityEvents
    let allowSignUp: Bool
    let secureCookies: Bool
    let sessionSeconds: Int

    func addRoutes(to group: RouterGroup<Context>) {
        group.post("signup", use: signUp)
        group.post("signup/check", use: checkSignUp)
        group.post("signup/confirm", use: confirmSignUp)
        group.post("login", use: login)
        group.post("refresh", use: refresh)
        group.post("logout", use: logout)
        group.get("me", use: me)
        group.post("password", use: changePassword)
    }

    @Sendable func signUp(_ request: Request, context: Context) async throws -> Response {
        guard allowSignUp else {
            throw APIError(.forbidden, code: "signup_disabled", message: "Self sign-up is switched off.")
        }
        let body = try await request.decodeBody(SignUpRequest.self, context: context)
        try await signUpService.request(email: body.email, name: body.name, address: context.remoteAddress)
        return SignUpAccepted.response()
    }

    @Sendable func checkSignUp(_ request: Request, context: Context) async throws -> SignUpLinkResource {
        guard allowSignUp else {
            throw APIError(.forbidden, code: "signup_disabled", message: "Self sign-up is switched off.")
        }
        let body = try await request.decodeBody(SignUpCheckRequest.self, context: context)
        let token = try await signUpService.check(token: body.token)
        return SignUpLinkResource(email: token.email, name: token.name, expiresAt: token.expiresAt)
    }

    @Sendable func confirmSignUp(_ request: Request, context: Context) async throws -> Response {
        guard allowSignUp else {
            throw APIError(.forbidden, code: "signup_disabled", message: "Self sign-up is switched off.")
        }
        let body = try await request.decodeBody(SignUpConfirmRequest.self, context: context)
        let issued = try await signUpService.confirm(
            token: body.token, password: body.password, address: context.remoteAddress,
            userAgent: request.headers[.userAgent])
        return try sessionResponse(issued, mode: body.session ?? .token, status: .created, request: request, context: context)
    }

    @Sendable func login(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeBody(LoginRequest.self, context: context)
        let issued = try await auth.login(
            email: body.email, password: body.password, address: context.remoteAddress,
            userAgent: request.headers[.userAgent])
        return try sessionResponse(issued, mode: body.session ?? .token, status: .ok, request: request, context: context)
    }

    @Sendable func refresh(_ request: Request, context: Context) async throws -> Response {
        let body = try await request.decodeBody(RefreshRequest.self, context: context)
        let issued: IssuedSession
        do {
            issued = try await auth.refresh(body.refreshToken)
        } catch let reuse as RefreshTokenReuse {
            // Stolen or replayed: the session's open sockets end now too, not at their next check.
            await events.sessionsRevoked(user: reuse.user, sessions: [reuse.session])
            throw APIError(.unauthorized, code: "invalid_refresh_token", message: "Sign in again.")
        }
        return try sessionResponse(issued, mode: .token, status: .ok, request: request, context: context)
    }

    @Sendable func logout(_ request: Request, context: Context) async throws -> Response {
        let identity = try context.requireIdentity()
        try await auth.logout(identity.session.id)
        await events.sessionsRevoked(user: identity.user.id, sessions: [identity.session.id])
        var response = Response(status: .noContent)
        response.setCookie(cookie(CookieName.session, "", maxAge: 0, httpOnly: true))
        response.setCookie(cookie(CookieName.csrf, "", maxAge: 0, httpOnly: false))
        return response
    }

    @Sendable func me(_ request: Request, context: Context) async throws -> UserResource {
        UserResource(try context.requireIdentity().user)
    }

    @Sendable func changePassword(_ request: Request, context: Context) async throws -> Response {
        let identity = try context.requireIdentity()
        let body = try await request.decodeBody(ChangePasswordRequest.self, context: context)
        let revoked = try await auth.changePassword(
            identity, current: body.currentPassword, new: body.newPassword, address: context.remoteAddress)
        await events.sessionsRevoked(user: identity.user.id, sessions: Set(revoked))
        return Response(status: .noContent)
    }

    private func sessionResponse(
        _ issued: IssuedSession, mode: SessionMode, status: HTTPResponse.Status, request: Request, context: Context
    ) throws -> Response {
        let body = SessionResource(
            user: UserResource(issued.user), accessToken: issued.accessToken,
            expiresIn: auth.tokens.accessTokenLifetime,
            refreshToken: mode == .token ? issued.sessionToken : nil,
            csrfToken: mode == .cookie ? issued.session.csrfToken : nil)
        var response = try body.response(from: request, context: context)
        response.status = status
        response.headers[.cacheControl] = "no-store"
        if mode == .cookie {
            response.setCookie(cookie(CookieName.session, issued.sessionToken, maxAge: sessionSeconds, httpOnly: true))
            response.setCookie(cookie(CookieName.csrf, issued.session.csrfToken, maxAge: sessionSeconds, httpOnly: false))
        }
        return response
    }

    private func cookie(_ name: String, _ value: String, maxAge: Int, httpOnly: Bool) -> Cookie {
        Cookie(
            name: name, value: value, maxAge: maxAge, path: "/", secure: secureCookies, httpOnly: httpOnly,
            sameSite: .strict)
    }
}
