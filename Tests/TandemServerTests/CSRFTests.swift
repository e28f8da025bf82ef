// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import HummingbirdTesting
import Testing

@testable import TandemServer

/// Browser sessions: cookie attributes, and the double-submit CSRF token on
/// every state-changing cookie-authenticated request.
@Suite struct CSRFTests {
    @Test func sessionCookiesAreHttpOnlyStrictSecureAndSiteWide() async throws {
        let env = try await TestEnvironment.make { $0.auth.secureCookies = true }
        try await env.user("ada@example.com")
        try await env.run { api in
            let response = try await api.post(
                "/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword, "session": "cookie"])
            #expect(response.status == .ok)
            let session = try #require(response.setCookies["tandem_session"])
            #expect(session.has("HttpOnly"))
            #expect(session["SameSite"]?.lowercased() == "strict")
            #expect(session.has("Secure"))
            #expect(session["Path"] == "/")
            #expect(session["Max-Age"] == String(env.configuration.auth.refreshTokenSeconds))
            #expect(session.value.count >= 40)

            let csrf = try #require(response.setCookies["tandem_csrf"])
            #expect(!csrf.has("HttpOnly"), "the page script must read the CSRF cookie")
            #expect(csrf["SameSite"]?.lowercased() == "strict")
            #expect(csrf.has("Secure"))
            #expect(csrf["Path"] == "/")
            #expect(csrf.value == (try response.json()["csrfToken"] as? String))
        }
    }

    @Test func plainHTTPDevelopmentDropsOnlyTheSecureFlag() async throws {
        let env = try await TestEnvironment.make { $0.auth.secureCookies = false }
        try await env.user("ada@example.com")
        try await env.run { api in
            let response = try await api.post(
                "/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword, "session": "cookie"])
            let session = try #require(response.setCookies["tandem_session"])
            #expect(!session.has("Secure"))
            #expect(session.has("HttpOnly"))
            #expect(session["SameSite"]?.lowercased() == "strict")
        }
    }

    @Test func cookiePostWithoutTheHeaderIsRefused() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let browser = try await api.loginWithCookies("ada@example.com")
            let logout = try await api.post("/api/v1/auth/logout", cookies: browser)
            expectError(logout, .forbidden, "csrf_failed")
            let change = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": "another-fine-secret-3"],
                cookies: browser)
            expectError(change, .forbidden, "csrf_failed")
            // Refused requests changed nothing: the session is alive, the password unchanged.
            #expect(try await api.get("/api/v1/auth/me", cookies: browser).status == .ok)
            _ = try await api.login("ada@example.com")
        }
    }

    @Test func cookiePatchWithoutOrWithAWrongHeaderIsRefused() async throws {
        let env = try await TestEnvironment.make()
        let ada = try await env.user("ada@example.com")
        try await env.run { api in
            let browser = try await api.loginWithCookies("ada@example.com")
            let uri = "/api/v1/users/\(ada.id)"
            expectError(try await api.patch(uri, ["name": "Ada L."], cookies: browser), .forbidden, "csrf_failed")
            expectError(
                try await api.patch(uri, ["name": "Ada L."], cookies: browser, csrf: "wrong-token"), .forbidden,
                "csrf_failed")
            expectError(
                try await api.patch(uri, ["name": "Ada L."], cookies: browser, csrf: ""), .forbidden, "csrf_failed")
            let ok = try await api.patch(uri, ["name": "Ada L."], cookies: browser, csrf: browser.csrfToken)
            #expect(ok.status == .ok, "\(ok.bodyText)")
            #expect(try ok.json()["name"] as? String == "Ada L.")
        }
    }

    @Test func headerMustMatchTheCookieAndTheSession() async throws {
        let env = try await TestEnvironment.make()
        let ada = try await env.user("ada@example.com")
        try await env.user("bob@example.com")
        try await env.run { api in
            let browser = try await api.loginWithCookies("ada@example.com")
            let other = try await api.loginWithCookies("bob@example.com")
            let uri = "/api/v1/users/\(ada.id)"

            // An attacker who can plant a cookie sets header and cookie to the same value of their choice.
            var planted = browser
            planted.csrfCookie = "attacker-chosen-value"
            expectError(
                try await api.patch(uri, ["name": "X"], cookies: planted, csrf: "attacker-chosen-value"), .forbidden,
                "csrf_failed")

            // Another session's (valid) CSRF token does not fit this session.
            var borrowed = browser
            borrowed.csrfCookie = other.csrfToken
            expectError(
                try await api.patch(uri, ["name": "X"], cookies: borrowed, csrf: other.csrfToken), .forbidden,
                "csrf_failed")

            // The right header but no CSRF cookie.
            let noCookie = try await api.send(
                .patch, uri, json: ["name": "X"],
                headers: [.cookie: "tandem_session=\(browser.sessionCookie)"], csrf: browser.csrfToken)
            expectError(noCookie, .forbidden, "csrf_failed")
        }
    }

    @Test func cookieGetNeedsNoToken() async throws {
        let env = try await TestEnvironment.make()
        let ada = try await env.user("ada@example.com")
        try await env.run { api in
            let browser = try await api.loginWithCookies("ada@example.com")
            #expect(try await api.get("/api/v1/auth/me", cookies: browser).status == .ok)
            #expect(try await api.get("/api/v1/users/\(ada.id)", cookies: browser).status == .ok)
        }
    }

    @Test func bearerClientsNeedNoToken() async throws {
        let env = try await TestEnvironment.make()
        let ada = try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            let patch = try await api.patch("/api/v1/users/\(ada.id)", ["name": "Ada B."], bearer: session.accessToken)
            #expect(patch.status == .ok, "\(patch.bodyText)")
            let change = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": "another-fine-secret-3"],
                bearer: session.accessToken)
            #expect(change.status == .noContent, "\(change.bodyText)")
            #expect(try await api.post("/api/v1/auth/logout", bearer: session.accessToken).status == .noContent)
        }
    }

    @Test func aStaleCookieIsIgnoredNotCSRFChecked() async throws {
        // Login and sign-up must keep working for a browser that still holds an old cookie.
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let stale = CookieSession(
                userID: "", sessionCookie: "ses_GONE00000000000000000000.nope", csrfCookie: "x", csrfToken: "x")
            let login = try await api.send(
                .post, "/api/v1/auth/login", json: ["email": "ada@example.com", "password": goodPassword],
                cookies: stale)
            #expect(login.status == .ok, "\(login.bodyText)")
        }
    }
}
