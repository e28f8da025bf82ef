// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdTesting
import Testing

@testable import TandemServer

/// A revoked session is refused on its very next request: bearer tokens and cookies alike.
@Suite struct RevocationTests {
    @Test func accessTokenDiesWithLogout() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let session = try await api.login("ada@example.com")
            let sibling = try await api.login("ada@example.com")
            #expect(try await api.get("/api/v1/auth/me", bearer: session.accessToken).status == .ok)
            #expect(try await api.post("/api/v1/auth/logout", bearer: session.accessToken).status == .noContent)
            let next = try await api.get("/api/v1/auth/me", bearer: session.accessToken)
            expectError(next, .unauthorized, "invalid_token")
            #expect(next.headers[.wwwAuthenticate] == "Bearer")
            // Logout ends one session only.
            #expect(try await api.get("/api/v1/auth/me", bearer: sibling.accessToken).status == .ok)
        }
    }

    @Test func cookieSessionDiesWithLogout() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let browser = try await api.loginWithCookies("ada@example.com")
            #expect(try await api.get("/api/v1/auth/me", cookies: browser).status == .ok)
            let logout = try await api.post("/api/v1/auth/logout", cookies: browser, csrf: browser.csrfToken)
            #expect(logout.status == .noContent)
            // A browser that ignored the cleared cookies is anonymous now.
            expectError(try await api.get("/api/v1/auth/me", cookies: browser), .unauthorized, "unauthenticated")
            expectError(
                try await api.post("/api/v1/auth/logout", cookies: browser, csrf: browser.csrfToken), .unauthorized,
                "unauthenticated")
        }
    }

    @Test func otherSessionsDieWithAPasswordChange() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.run { api in
            let laptop = try await api.login("ada@example.com")
            let phone = try await api.login("ada@example.com")
            let browser = try await api.loginWithCookies("ada@example.com")
            let change = try await api.post(
                "/api/v1/auth/password", ["currentPassword": goodPassword, "newPassword": "another-fine-secret-3"],
                cookies: browser, csrf: browser.csrfToken)
            #expect(change.status == .noContent, "\(change.bodyText)")
            expectError(try await api.get("/api/v1/auth/me", bearer: laptop.accessToken), .unauthorized, "invalid_token")
            expectError(try await api.get("/api/v1/auth/me", bearer: phone.accessToken), .unauthorized, "invalid_token")
            #expect(try await api.get("/api/v1/auth/me", cookies: browser).status == .ok)
        }
    }

    @Test func everySessionDiesWhenAnAdminDisablesTheUser() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        let ada = try await env.user("ada@example.com", role: .agent)
        try await env.run { api in
            let admin = try await api.login("root@example.com")
            let token = try await api.login("ada@example.com")
            let browser = try await api.loginWithCookies("ada@example.com")
            #expect(try await api.get("/api/v1/auth/me", bearer: token.accessToken).status == .ok)

            let disable = try await api.patch("/api/v1/users/\(ada.id)", ["disabled": true], bearer: admin.accessToken)
            #expect(disable.status == .ok, "\(disable.bodyText)")
            #expect(try disable.json()["disabled"] as? Bool == true)

            expectError(try await api.get("/api/v1/auth/me", bearer: token.accessToken), .unauthorized, "invalid_token")
            expectError(try await api.get("/api/v1/auth/me", cookies: browser), .unauthorized, "unauthenticated")
            expectError(
                try await api.post("/api/v1/auth/refresh", ["refreshToken": token.refreshToken]), .unauthorized,
                "invalid_refresh_token")
            let login = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword])
            expectError(login, .forbidden, "account_disabled")
            // The admin's own session is untouched.
            #expect(try await api.get("/api/v1/auth/me", bearer: admin.accessToken).status == .ok)

            // Enabling again does not bring old sessions back; signing in works again.
            let enable = try await api.patch("/api/v1/users/\(ada.id)", ["disabled": false], bearer: admin.accessToken)
            #expect(enable.status == .ok)
            expectError(try await api.get("/api/v1/auth/me", bearer: token.accessToken), .unauthorized, "invalid_token")
            _ = try await api.login("ada@example.com")
        }
    }

    @Test func disabledFlagInTheStoreAloneRefusesTheToken() async throws {
        // Defence in depth: even without session revocation, a disabled user's token is refused.
        let env = try await TestEnvironment.make()
        let ada = try await env.user("ada@example.com")
        try await env.run { api in
            let token = try await api.login("ada@example.com")
            var disabled = ada
            disabled.disabled = true
            try await env.store.updateUser(disabled)
            expectError(try await api.get("/api/v1/auth/me", bearer: token.accessToken), .unauthorized, "invalid_token")
        }
    }
}
