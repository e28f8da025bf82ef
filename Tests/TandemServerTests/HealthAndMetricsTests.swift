// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import TandemServer

/// `/healthz`, `/readyz`, `/metrics`, request ids and the OpenAPI document.
@Suite struct HealthAndMetricsTests {
    @Test func healthzAnswers() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.get("/healthz")
            #expect(response.status == .ok)
            #expect(try response.json()["status"] as? String == "ok")
            #expect(response.headers[.cacheControl] == "no-store")
        }
    }

    /// Every JSON answer names its charset, as API.md promises: also the probes and the document.
    @Test func jsonAnswersNameTheirCharset() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            for path in ["/healthz", "/readyz", "/api/v1/openapi.json", "/api/v1/auth/me"] {
                let response = try await api.get(path)
                #expect(response.headers[.contentType] == "application/json; charset=utf-8", "\(path)")
            }
        }
    }

    @Test func readyzFollowsTheStore() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let ready = try await api.get("/readyz")
            #expect(ready.status == .ok)
            #expect(try ready.json()["store"] as? String == "ok")

            try await env.store.close()
            let down = try await api.get("/readyz")
            #expect(down.status == .serviceUnavailable)
            #expect(try down.json()["status"] as? String == "unavailable")
            // Liveness does not depend on the store.
            #expect(try await api.get("/healthz").status == .ok)
            // Requests that need the store answer 503 in the error format.
            let login = try await api.post("/api/v1/auth/login", ["email": "a@example.com", "password": "whatever-pass"])
            expectError(login, .serviceUnavailable, "store_unavailable")
        }
    }

    @Test func metricsCountRequestsByRouteAndStatus() async throws {
        let env = try await TestEnvironment.make()
        let ada = try await env.user("ada@example.com")
        try await env.run { api in
            _ = try await api.get("/healthz")
            _ = try await api.get("/healthz")
            _ = try await api.get("/api/v1/auth/me")
            let token = try await api.login("ada@example.com").accessToken
            _ = try await api.get("/api/v1/users/\(ada.id)", bearer: token)
            _ = try await api.get("/no/such/thing")

            let response = try await api.get("/metrics")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            let text = response.bodyText
            let lines = text.split(separator: "\n").map(String.init)

            func counter(_ route: String, _ status: Int, method: String = "GET") -> Int? {
                lines.first {
                    $0.hasPrefix("tandem_http_requests_total{") && $0.contains(#"route="\#(route)""#)
                        && $0.contains(#"status="\#(status)""#) && $0.contains(#"method="\#(method)""#)
                }.flatMap { $0.split(separator: " ").last.flatMap { Int($0) } }
            }
            #expect(counter("/healthz", 200) == 2, "\(text)")
            #expect(counter("/api/v1/auth/me", 401) == 1, "\(text)")
            #expect(counter("/api/v1/auth/login", 200, method: "POST") == 1, "\(text)")
            #expect(counter("/api/v1/users/{id}", 200) == 1, "\(text)")
            #expect(lines.contains { $0.hasPrefix("tandem_http_requests_total{") && $0.contains(#"status="404""#) })
            #expect(text.contains("# TYPE tandem_http_request_duration_seconds histogram"))
            #expect(text.contains("tandem_http_request_duration_seconds_bucket{"))
            // Raw user ids never become label values (bounded cardinality).
            #expect(!text.contains(ada.id.rawValue))
        }
    }

    /// Development: open unless a token is set. Production: only with the token, off without one.
    @Test(arguments: [
        (RunMode.development, ""), (.development, "metrics-token-0123456789"), (.production, ""),
        (.production, "metrics-token-0123456789"),
    ])
    func metricsAccessFollowsTheModeAndToken(mode: RunMode, token: String) async throws {
        let env = try await TestEnvironment.make {
            $0.mode = mode
            $0.metrics.token = token
        }
        try await env.run { api in
            let anonymous = try await api.get("/metrics")
            let wrong = try await api.get("/metrics", bearer: "metrics-token-0123456780")
            let right = try await api.get("/metrics", bearer: "metrics-token-0123456789")
            switch (mode, token.isEmpty) {
            case (.development, true):
                // Open to anyone, a token changes nothing (the counters show the requests before).
                for response in [anonymous, wrong, right] { #expect(response.status == .ok) }
                #expect(right.bodyText.contains("tandem_http_requests_total"), "\(right.bodyText.prefix(200))")
            case (.production, true):
                for response in [anonymous, wrong, right] { expectError(response, .forbidden, "metrics_disabled") }
            default:
                expectError(anonymous, .unauthorized, "metrics_token_required")
                #expect(anonymous.headers[.wwwAuthenticate]?.hasPrefix("Bearer") == true)
                expectError(wrong, .unauthorized, "metrics_token_required")
                #expect(right.status == .ok)
                #expect(right.bodyText.contains("tandem_http_requests_total"), "\(right.bodyText.prefix(200))")
            }
        }
    }

    @Test func everyResponseCarriesARequestID() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            var seen: Set<String> = []
            let responses = [
                try await api.get("/healthz"),
                try await api.get("/api/v1/auth/me"),
                try await api.get("/api/v1/nope"),
                try await api.send(.post, "/api/v1/auth/login", raw: "{", headers: [.contentType: "application/json"]),
                try await api.send(.delete, "/api/v1/auth/me"),
            ]
            for response in responses {
                let id = try #require(response.headers[.requestID], "status \(response.status)")
                #expect(!id.isEmpty)
                seen.insert(id)
            }
            #expect(seen.count == responses.count, "request ids are unique")
        }
    }

    @Test func openAPIDocumentIsServed() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let response = try await api.get("/api/v1/openapi.json")
            #expect(response.status == .ok)
            #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
            let document = try response.json()
            #expect((document["openapi"] as? String)?.hasPrefix("3.") == true)
            let paths = try #require(document["paths"] as? [String: Any])
            for path in ["/auth/login", "/auth/signup", "/users", "/teams"] {
                #expect(paths.keys.contains { $0.hasSuffix(path) }, "OpenAPI lacks \(path)")
            }
        }
    }
}
