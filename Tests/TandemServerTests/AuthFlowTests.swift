// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdTesting
import Testing

@testable import TandemServer

/// Every flow of `/api/v1/auth` through the real HTTP stack.
@Suite struct AuthFlowTests {
    // MARK: Sign-up

    @Test func signUpInTokenModeReturnsTokensAndACustomer() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await env.signUp(
                api, email: "  Grace@Example.COM ", name: "Grace Hopper", password: goodPassword,
                confirmingAs: "grace@example.com")
            #expect(response.status == .created, "\(response.bodyText)")
            #expect(response.headers[.cacheControl] == "no-store")
            #expect(response.setCookies.isEmpty)
            let json = try response.json()
            let user = try #require(json["user"] as? [String: Any])
            #expect(Set(user.keys) == ["id", "email", "name", "role", "disabled", "createdAt", "updatedAt"])
            #expect(user["email"] as? String == "grace@example.com")
            #expect(user["name"] as? String == "Grace Hopper")
            #expect(user["role"] as? String == "customer")
            #expect(json["tokenType"] as? String == "Bearer")
            #expect(json["expiresIn"] as? Int == 900)
            #expect(json["refreshToken"] is String)
            #expect(json["csrfToken"] == nil)
            let session = try TokenSession(response)
            let me = try await api.get("/api/v1/auth/me", bearer: session.accessToken)
            #expect(me.status == .ok)
            #expect(try me.json()["id"] as? String == session.userID)
        }
    }

    @Test func signUpInCookieModeSetsCookiesAndNoRefreshToken() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await env.signUp(
                api, email: "linus@example.com", name: "Linus", password: goodPassword, session: "cookie")
            #expect(response.status == .created, "\(response.bodyText)")
            let json = try response.json()
            #expect(json["refreshToken"] == nil)
            let session = try CookieSession(response)
            #expect(session.csrfCookie == session.csrfToken)
            let me = try await api.get("/api/v1/auth/me", cookies: session)
            #expect(me.status == .ok)
            #expect(try me.json()["email"] as? String == "linus@example.com")
        }
    }

    @Test func signUpAloneCreatesNoAccount() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.post("/api/v1/auth/signup", ["email": "eve@example.com", "name": "Eve"])
            #expect(response.status == .accepted, "\(response.bodyText)")
            #expect(try await env.store.user(email: "eve@example.com") == nil)
            let login = try await api.post("/api/v1/auth/login", ["email": "eve@example.com", "password": goodPassword])
            expectError(login, .unauthorized, "invalid_credentials")
            // The password is chosen with the link, never at the request.
            let withPassword = try await api.post(
                "/api/v1/auth/signup", ["email": "eve@example.com", "name": "Eve", "password": goodPassword])
            expectError(withPassword, .unprocessableContent, "unknown_field", field: "password")
        }
    }

    @Test func signUpCanBeSwitchedOff() async throws {
        let env = try await TestEnvironment.make { $0.auth.allowSignUp = false }
        try await env.run { api in
            let response = try await api.post("/api/v1/auth/signup", ["email": "eve@example.com", "name": "Eve"])
            expectError(response, .forbidden, "signup_disabled")
            let confirm = try await api.post("/api/v1/auth/signup/confirm", ["token": "x.y", "password": goodPassword])
            expectError(confirm, .forbidden, "signup_disabled")
            let login = try await api.post("/api/v1/auth/login", ["email": "eve@example.com", "password": goodPassword])
            expectError(login, .unauthorized, "invalid_credentials")
        }
    }

    @Test func signUpCannotChooseARole() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.post(
                "/api/v1/auth/signup",
                ["email": "mallory@example.com", "name": "Mallory", "role": "admin"])
            expectError(response, .unprocessableContent, "unknown_field", field: "role")
        }
    }

    // MARK: Login

    @Test func loginReturnsTheUserAndWorkingTokens() async throws {
        let env = try await TestEnvironment.make()
        let ada = try await env.user("ada@example.com", role: .agent)
        try await env.run { api in
            let response = try await api.post(
                "/api/v1/auth/login", ["email": "  ADA@example.com", "password": goodPassword])
            #expect(response.status == .ok, "\(response.bodyText)")
            #expect(response.headers[.cacheControl] == "no-store")
            let session = try TokenSession(response)
            #expect(session.userID == ada.id.rawValue)
            #expect(try (response.json()["user"] as? [String: Any])?["role"] as? String == "agent")
            #expect(try await api.get("/api/v1/auth/me", bearer: session.accessToken).status == .ok)
        }
    }

    @Test func wrongPasswordAndUnknownEmailLookTheSame() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let wrong = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": "not-the-password-1"])
            let unknown = try await api.post("/api/v1/auth/login", ["email": "nobody@example.com", "password": goodPassword])
            expectError(wrong, .unauthorized, "invalid_credentials")
            expectError(unknown, .unauthorized, "invalid_credentials")
            #expect(wrong.errorMessage == unknown.errorMessage)
            #expect(wrong.errorField == nil && unknown.errorField == nil)
            #expect(wrong.headers[.retryAfter] == nil && unknown.headers[.retryAfter] == nil)
        }
    }

    @Test func disabledUserCannotLogIn() async throws {
        let env = try await TestEnvironment.make()
        var ada = try await env.user("ada@example.com")
        ada.disabled = true
        try await env.store.updateUser(ada)
        try await env.run { api in
            let response = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword])
            expectError(response, .forbidden, "account_disabled")
            // A wrong password still answers 401: being disabled is revealed only to the owner.
            let wrong = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": "not-the-password-1"])
            expectError(wrong, .unauthorized, "invalid_credentials")
        }
    }

    // MARK: Refresh

    @Test func refreshRotatesAndReuseRevokesTheSession() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let first = try await api.login("ada@example.com")
            let refreshed = try await api.post("/api/v1/auth/refresh", ["refreshToken": first.refreshToken])
            #expect(refreshed.status == .ok, "\(refreshed.bodyText)")
            #expect(refreshed.headers[.cacheControl] == "no-store")
            let second = try TokenSession(refreshed)
            #expect(second.refreshToken != first.refreshToken)
            #expect(second.userID == first.userID)
            #expect(try await api.get("/api/v1/auth/me", bearer: second.accessToken).status == .ok)

            // The rotated-out token is refused, and presenting it ends the whole session.
            let replay = try await api.post("/api/v1/auth/refresh", ["refreshToken": first.refreshToken])
            expectError(replay, .unauthorized, "invalid_refresh_token")
            let afterReuse = try await api.post("/api/v1/auth/refresh", ["refreshToken": second.refreshToken])
            expectError(afterReuse, .unauthorized, "invalid_refresh_token")
            expectError(try await api.get("/api/v1/auth/me", bearer: second.accessToken), .unauthorized, "invalid_token")
            expectError(try await api.get("/api/v1/auth/me", bearer: first.accessToken), .unauthorized, "invalid_token")
        }
    }

    @Test(arguments: ["", "garbage", "ses_unknown.secret", "ses_x.", String(repeating: "a", count: 300)])
    func malformedRefreshTokensAreRefused(token: String) async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.post("/api/v1/auth/refresh", ["refreshToken": token])
            expectError(response, .unauthorized, "invalid_refresh_token")
        }
    }

    @Test func refreshIsRefusedOnceTheSessionExpires() async throws {
        let env = try await TestEnvironment.make { $0.auth.refreshTokenSeconds = 3600 }
        try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            env.clock.advance(seconds: 3601)
            let response = try await api.post("/api/v1/auth/refresh", ["refreshToken": session.refreshToken])
            expectError(response, .unauthorized, "invalid_refresh_token")
        }
    }

    // MARK: Logout and me

    @Test func logoutEndsTheSession() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            let logout = try await api.post("/api/v1/auth/logout", bearer: session.accessToken)
            #expect(logout.status == .noContent)
            expectError(try await api.get("/api/v1/auth/me", bearer: session.accessToken), .unauthorized, "invalid_token")
            let refresh = try await api.post("/api/v1/auth/refresh", ["refreshToken": session.refreshToken])
            expectError(refresh, .unauthorized, "invalid_refresh_token")
        }
    }

    @Test func logoutInCookieModeClearsBothCookies() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.loginWithCookies("ada@example.com")
            let logout = try await api.post("/api/v1/auth/logout", cookies: session, csrf: session.csrfToken)
            #expect(logout.status == .noContent, "\(logout.bodyText)")
            let cookies = logout.setCookies
            #expect(cookies["tandem_session"]?.value == "")
            #expect(cookies["tandem_session"]?["Max-Age"] == "0")
            #expect(cookies["tandem_csrf"]?.value == "")
            #expect(cookies["tandem_csrf"]?["Max-Age"] == "0")
            expectError(try await api.get("/api/v1/auth/me", cookies: session), .unauthorized, "unauthenticated")
        }
    }

    @Test func meNeedsCredentials() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.get("/api/v1/auth/me")
            expectError(response, .unauthorized, "unauthenticated")
            let logout = try await api.post("/api/v1/auth/logout")
            expectError(logout, .unauthorized, "unauthenticated")
        }
    }

    // MARK: Password change

    @Test func changePasswordChecksTheCurrentPassword() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com", name: "Ada Lovelace")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            let wrong = try await api.post(
                "/api/v1/auth/password", ["currentPassword": "not-my-password-9", "newPassword": "a-brand-new-secret-7"],
                bearer: session.accessToken)
            expectError(wrong, .unprocessableContent, "invalid_credentials", field: "currentPassword")
            let short = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": "short-1"],
                bearer: session.accessToken)
            expectError(short, .unprocessableContent, "too_short", field: "newPassword")
            let personal = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": "ada lovelace forever"],
                bearer: session.accessToken)
            expectError(personal, .unprocessableContent, "too_weak", field: "newPassword")
            let repetitive = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": "abababababababab"],
                bearer: session.accessToken)
            expectError(repetitive, .unprocessableContent, "too_weak", field: "newPassword")
            // Nothing changed.
            _ = try await api.login("ada@example.com")
        }
    }

    @Test func changePasswordEndsOtherSessionsAndKeepsThisOne() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        let newPassword = "a-brand-new-secret-7"
        try await env.run { api in
            let current = try await api.login("ada@example.com")
            let other = try await api.login("ada@example.com")
            let browser = try await api.loginWithCookies("ada@example.com")
            let change = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": newPassword],
                bearer: current.accessToken)
            #expect(change.status == .noContent, "\(change.bodyText)")

            #expect(try await api.get("/api/v1/auth/me", bearer: current.accessToken).status == .ok)
            let refreshCurrent = try await api.post("/api/v1/auth/refresh", ["refreshToken": current.refreshToken])
            #expect(refreshCurrent.status == .ok)

            expectError(try await api.get("/api/v1/auth/me", bearer: other.accessToken), .unauthorized, "invalid_token")
            expectError(
                try await api.post("/api/v1/auth/refresh", ["refreshToken": other.refreshToken]), .unauthorized,
                "invalid_refresh_token")
            expectError(try await api.get("/api/v1/auth/me", cookies: browser), .unauthorized, "unauthenticated")

            let old = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword])
            expectError(old, .unauthorized, "invalid_credentials")
            _ = try await api.login("ada@example.com", newPassword)
        }
    }
}
