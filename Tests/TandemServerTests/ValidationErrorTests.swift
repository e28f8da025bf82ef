// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import HummingbirdTesting
import TandemCore
import Testing

@testable import TandemServer

/// Every error kind the API documents, with its status, code and field.
@Suite struct ValidationErrorTests {
    // MARK: 400

    @Test(arguments: [#"{"email": "#, "not json", #"{"email" "a@b.co"}"#, #"{'email':'a@b.co'}"#, ""])
    func malformedJSONIs400(body: String) async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.send(
                .post, "/api/v1/auth/login", raw: body, headers: [.contentType: "application/json"])
            expectError(response, .badRequest, "invalid_json")
        }
    }

    @Test(arguments: ["[1,2]", #""a string""#, "42", "null", "true"])
    func nonObjectJSONIs400(body: String) async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.send(
                .post, "/api/v1/auth/login", raw: body, headers: [.contentType: "application/json"])
            expectError(response, .badRequest, "invalid_json")
        }
    }

    @Test func badCursorIs400() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        try await env.run { api in
            let admin = try await api.login("root@example.com").accessToken
            for cursor in ["garbage", "c1.", "c1.e30", "c1.eyJrIjoidGVhbXMiLCJhIjoieCJ9"] {
                let response = try await api.get("/api/v1/users?after=\(cursor)", bearer: admin)
                expectError(response, .badRequest, "invalid_cursor", field: "after")
            }
        }
    }

    // MARK: 413

    @Test func declaredOversizedBodyIs413() async throws {
        let env = try await TestEnvironment.make { $0.http.maxBodyBytes = 1024 }
        try await env.run { api in
            let body = #"{"email":"\#(String(repeating: "x", count: 2000))","password":"p"}"#
            let response = try await api.send(
                .post, "/api/v1/auth/login", raw: body,
                headers: [.contentType: "application/json", .contentLength: String(body.utf8.count)])
            expectError(response, .contentTooLarge, "body_too_large")
        }
    }

    @Test func streamedOversizedBodyIs413() async throws {
        // No Content-Length: the test client streams the body chunked and the limit applies while reading.
        let env = try await TestEnvironment.make { $0.http.maxBodyBytes = 1024 }
        try await env.run { api in
            let big = String(repeating: "x", count: 4000)
            let response = try await api.send(
                .post, "/api/v1/auth/login", raw: #"{"email":"\#(big)","password":"p"}"#,
                headers: [.contentType: "application/json"])
            expectError(response, .contentTooLarge, "body_too_large")
        }
    }

    @Test func bodyAtTheLimitIsRead() async throws {
        let env = try await TestEnvironment.make { $0.http.maxBodyBytes = 1024 }
        try await env.run { api in
            let padding = String(repeating: "x", count: 900)
            let response = try await api.send(
                .post, "/api/v1/auth/login", raw: #"{"email":"a\#(padding)@example.com","password":"p"}"#,
                headers: [.contentType: "application/json"])
            expectError(response, .unauthorized, "invalid_credentials")
        }
    }

    // MARK: 415

    @Test(arguments: ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"])
    func nonJSONMediaTypeIs415(contentType: String) async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.send(
                .post, "/api/v1/auth/login", raw: #"{"email":"a@b.co","password":"p"}"#,
                headers: [.contentType: contentType])
            expectError(response, .unsupportedMediaType, "unsupported_media_type")
        }
    }

    @Test func jsonWithCharsetIsAccepted() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.send(
                .post, "/api/v1/auth/login", raw: #"{"email":"a@b.co","password":"p"}"#,
                headers: [.contentType: "Application/JSON; charset=utf-8"])
            expectError(response, .unauthorized, "invalid_credentials")
        }
    }

    // MARK: 422

    @Test func unknownFieldIs422() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.post(
                "/api/v1/auth/login", ["email": "a@b.co", "password": "p", "rememberMe": true])
            expectError(response, .unprocessableContent, "unknown_field", field: "rememberMe")
        }
    }

    @Test func missingFieldIs422Required() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            expectError(
                try await api.post("/api/v1/auth/login", ["email": "a@b.co"]), .unprocessableContent, "required",
                field: "password")
            expectError(
                try await api.send(
                    .post, "/api/v1/auth/login", raw: #"{"email":null,"password":"p"}"#,
                    headers: [.contentType: "application/json"]),
                .unprocessableContent, "required", field: "email")
            expectError(
                try await api.post("/api/v1/auth/signup", ["email": "a@b.co", "name": "   "]),
                .unprocessableContent, "required", field: "name")
        }
    }

    @Test func wrongTypeIs422InvalidType() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        let target = try await env.user("ada@example.com")
        try await env.run { api in
            expectError(
                try await api.post("/api/v1/auth/login", ["email": 42, "password": "p"]), .unprocessableContent,
                "invalid_type", field: "email")
            let admin = try await api.login("root@example.com").accessToken
            expectError(
                try await api.patch("/api/v1/users/\(target.id)", ["disabled": "yes"], bearer: admin),
                .unprocessableContent, "invalid_type", field: "disabled")
            expectError(
                try await api.post("/api/v1/teams", ["name": "T", "members": "everyone"], bearer: admin),
                .unprocessableContent, "invalid_type", field: "members")
        }
    }

    @Test(arguments: ["plainaddress", "a@b", "@example.com", "a@@example.com", "a b@example.com", "a@-x.com"])
    func badEmailIs422InvalidEmail(email: String) async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.post("/api/v1/auth/signup", ["email": email, "name": "Someone"])
            expectError(response, .unprocessableContent, "invalid_email", field: "email")
        }
    }

    @Test func tooShortAndTooLongAre422() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        try await env.run { api in
            // The password is chosen with the confirmation link.
            let token = try await env.signUpToken(api, email: "a@example.com", name: "A")
            expectError(
                try await api.post("/api/v1/auth/signup/confirm", ["token": token, "password": "short"]),
                .unprocessableContent, "too_short", field: "password")
            expectError(
                try await api.post(
                    "/api/v1/auth/signup/confirm", ["token": token, "password": String(repeating: "abcd", count: 19)]),
                .unprocessableContent, "too_long", field: "password")
            expectError(
                try await api.post(
                    "/api/v1/auth/signup", ["email": "b@example.com", "name": String(repeating: "n", count: 121)]),
                .unprocessableContent, "too_long", field: "name")
            let admin = try await api.login("root@example.com").accessToken
            expectError(
                try await api.post("/api/v1/teams", ["name": String(repeating: "t", count: 121)], bearer: admin),
                .unprocessableContent, "too_long", field: "name")
        }
    }

    @Test func badEnumIs422InvalidEnum() async throws {
        let env = try await TestEnvironment.make()
        let root = try await env.user("root@example.com", role: .admin)
        let ada = try await env.user("ada@example.com")
        try await env.run { api in
            let admin = try await api.login("root@example.com").accessToken
            expectError(
                try await api.post(
                    "/api/v1/users", ["email": "x@example.com", "name": "X", "password": goodPassword, "role": "wizard"],
                    bearer: admin),
                .unprocessableContent, "invalid_enum", field: "role")
            expectError(
                try await api.patch("/api/v1/users/\(ada.id)", ["role": "owner"], bearer: admin), .unprocessableContent,
                "invalid_enum", field: "role")
            expectError(
                try await api.get("/api/v1/users?role=wizard", bearer: admin), .unprocessableContent, "invalid_enum",
                field: "role")
            expectError(
                try await api.post(
                    "/api/v1/teams", ["name": "T", "members": [["userId": root.id.rawValue, "role": "captain"]]],
                    bearer: admin),
                .unprocessableContent, "invalid_enum", field: "members[0].role")
            expectError(
                try await api.post("/api/v1/auth/login", ["email": "a@b.co", "password": "p", "session": "jar"]),
                .unprocessableContent, "invalid_enum", field: "session")
        }
    }

    @Test func badQueryValuesAre422() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        try await env.run { api in
            let admin = try await api.login("root@example.com").accessToken
            for limit in ["0", "201", "ten", "-1"] {
                expectError(
                    try await api.get("/api/v1/users?limit=\(limit)", bearer: admin), .unprocessableContent, "invalid",
                    field: "limit")
            }
            expectError(
                try await api.get("/api/v1/users?disabled=maybe", bearer: admin), .unprocessableContent, "invalid",
                field: "disabled")
        }
    }

    // MARK: 409

    @Test func duplicateEmailIs409CaseInsensitively() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("ada@example.com")
        try await env.user("root@example.com", role: .admin)
        try await env.run { api in
            // Sign-up is no oracle: a taken address is answered like a new one (its owner gets a message).
            let signUp = try await api.post("/api/v1/auth/signup", ["email": "ADA@Example.com", "name": "Ada Two"])
            #expect(signUp.status == .accepted, "\(signUp.bodyText)")
            let admin = try await api.login("root@example.com").accessToken
            expectError(
                try await api.post(
                    "/api/v1/users", ["email": " Ada@EXAMPLE.com ", "name": "Ada", "password": goodPassword, "role": "agent"],
                    bearer: admin),
                .conflict, "duplicate", field: "email")
            let root = try await api.login("root@example.com")
            expectError(
                try await api.patch(
                    "/api/v1/users/\(root.userID)", ["email": "ADA@example.com", "currentPassword": goodPassword],
                    bearer: admin),
                .conflict, "duplicate", field: "email")
        }
    }

    @Test func duplicateTeamNameIs409CaseInsensitively() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        try await env.team("Billing")
        let other = try await env.team("Hardware")
        try await env.run { api in
            let admin = try await api.login("root@example.com").accessToken
            expectError(
                try await api.post("/api/v1/teams", ["name": "billing"], bearer: admin), .conflict, "duplicate",
                field: "name")
            expectError(
                try await api.patch("/api/v1/teams/\(other.id)", ["name": "BILLING"], bearer: admin), .conflict,
                "duplicate", field: "name")
        }
    }

    // MARK: 401, 403, 404, 405

    @Test func statusCodesForAuthAndMissingThings() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        try await env.user("cat@example.com")
        try await env.run { api in
            expectError(try await api.get("/api/v1/users"), .unauthorized, "unauthenticated")
            expectError(try await api.get("/api/v1/teams"), .unauthorized, "unauthenticated")
            let cat = try await api.login("cat@example.com").accessToken
            expectError(try await api.get("/api/v1/users", bearer: cat), .forbidden, "forbidden")
            let admin = try await api.login("root@example.com").accessToken
            expectError(
                try await api.get("/api/v1/users/usr_NOSUCHUSER000000000000000", bearer: admin), .notFound, "not_found")
            expectError(
                try await api.get("/api/v1/teams/team_NOSUCHTEAM00000000000000", bearer: admin), .notFound, "not_found")
            expectError(
                try await api.patch("/api/v1/users/usr_NOSUCHUSER000000000000000", ["name": "X"], bearer: admin),
                .notFound, "not_found")
            expectError(try await api.get("/api/v1/no-such-route", bearer: admin), .notFound, "not_found")
        }
    }

    // MARK: 429

    @Test func throttledLoginIs429() async throws {
        let env = try await TestEnvironment.make { $0.auth.maxFailedLoginsPerAccount = 2 }
        try await env.user("ada@example.com")
        try await env.run { api in
            for _ in 0..<2 {
                _ = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": "wrong-password-1"])
            }
            let response = try await api.post("/api/v1/auth/login", ["email": "ada@example.com", "password": goodPassword])
            expectError(response, .tooManyRequests, "too_many_attempts")
            #expect(response.headers[.retryAfter] != nil)
        }
    }

    // MARK: Pagination

    @Test func cursorPaginationVisitsEveryUserOnceInStableOrder() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        for index in 0..<11 {
            try await env.user("user\(index)@example.com", role: index % 3 == 0 ? .agent : .customer)
            env.clock.advance(seconds: 1)
        }
        try await env.run { api in
            let admin = try await api.login("root@example.com").accessToken

            func walk(_ query: String, limit: Int) async throws -> (ids: [String], pages: Int) {
                var ids: [String] = []
                var cursor: String?
                var pages = 0
                repeat {
                    var uri = "/api/v1/users?limit=\(limit)\(query)"
                    if let cursor { uri += "&after=\(cursor.queryEncoded)" }
                    let response = try await api.get(uri, bearer: admin)
                    #expect(response.status == .ok, "\(response.bodyText)")
                    let page = try response.page()
                    #expect(page.items.count <= limit)
                    ids += page.items.compactMap { $0["id"] as? String }
                    cursor = page.next
                    pages += 1
                } while cursor != nil && pages < 50
                return (ids, pages)
            }

            let everything = try await api.get("/api/v1/users?limit=200", bearer: admin)
            let all = try everything.page().items.compactMap { $0["id"] as? String }
            #expect(all.count == 12)
            #expect(try everything.page().next == nil)

            let walked = try await walk("", limit: 5)
            #expect(walked.ids == all, "pages visit every user once, in the order of the full listing")
            #expect(Set(walked.ids).count == walked.ids.count)
            #expect(walked.ids == walked.ids.sorted(), "listing is in id order")
            #expect(walked.pages == 3)
            #expect(try await walk("", limit: 5).ids == walked.ids, "the order is stable")
            #expect(try await walk("", limit: 1).ids == all)

            // A user created mid-walk appears at the end, never twice, never shifting earlier pages.
            let first = try await api.get("/api/v1/users?limit=6", bearer: admin).page()
            env.clock.advance(seconds: 1)
            try await env.user("late@example.com")
            let rest = try await api.get(
                "/api/v1/users?limit=200&after=\(try #require(first.next).queryEncoded)", bearer: admin
            ).page()
            let combined = first.items.compactMap { $0["id"] as? String } + rest.items.compactMap { $0["id"] as? String }
            #expect(combined.count == 13)
            #expect(Array(combined.prefix(12)) == all)

            // Filters paginate too.
            let customers = try await walk("&role=customer", limit: 2)
            #expect(customers.ids.count == 8)
            #expect(Set(customers.ids).count == 8)
        }
    }
}
