// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import TandemServer

/// Browser security headers on every kind of response, over a real socket.
@Suite struct SecurityHeadersTests {
    /// A web root with a built client: `index.html` and `app.js`.
    static func webRoot() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try #"<!doctype html><html><head><script defer src="/app.js"></script></head><body></body></html>"#
            .write(to: root.appendingPathComponent("index.html"), atomically: true, encoding: .utf8)
        try "console.log('tandem')".write(to: root.appendingPathComponent("app.js"), atomically: true, encoding: .utf8)
        return root.path
    }

    /// Every header of ``SecurityHeaders``, and HSTS only in production.
    static func expectHeaders(
        _ headers: HTTPFields, _ what: String, production: Bool, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let csp = headers[.contentSecurityPolicy] ?? ""
        #expect(csp == SecurityHeaders.contentSecurityPolicy, "\(what): CSP \(csp)", sourceLocation: sourceLocation)
        #expect(headers[.xContentTypeOptions] == "nosniff", "\(what)", sourceLocation: sourceLocation)
        #expect(headers[.xFrameOptions] == "DENY", "\(what)", sourceLocation: sourceLocation)
        #expect(headers[.referrerPolicy] == "same-origin", "\(what)", sourceLocation: sourceLocation)
        #expect(headers[values: .contentSecurityPolicy].count == 1, "\(what): one CSP", sourceLocation: sourceLocation)
        if production {
            #expect(
                headers[.strictTransportSecurity] == SecurityHeaders.strictTransportSecurity, "\(what)",
                sourceLocation: sourceLocation)
        } else {
            #expect(headers[.strictTransportSecurity] == nil, "\(what): no HSTS in development", sourceLocation: sourceLocation)
        }
    }

    @Test func theContentSecurityPolicyIsStrict() {
        let csp = SecurityHeaders.contentSecurityPolicy
        for directive in [
            "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "frame-ancestors 'none'",
            "base-uri 'none'",
        ] {
            #expect(csp.contains(directive), "\(directive)")
        }
        #expect(!csp.contains("unsafe-inline") && !csp.contains("unsafe-eval") && !csp.contains("*"))
    }

    @Test(arguments: [false, true])
    func everyKindOfResponseCarriesTheHeaders(production: Bool) async throws {
        let root = try Self.webRoot()
        let env = try await TestEnvironment.make {
            $0.web.root = root
            if production {
                $0.mode = .production
                $0.metrics.token = "metrics-token-0123456789"
            }
        }
        try await env.run { api in
            let port = try #require(api.port)
            let responses: [(String, HTTPResponse.Status, TestResponse)] = [
                ("the app", .ok, try await api.get("/")),
                ("a static asset", .ok, try await api.get("/app.js")),
                ("a client route", .ok, try await api.get("/tickets/tkt_somewhere")),
                ("a missing asset", .notFound, try await api.get("/missing.js")),
                ("an API 401", .unauthorized, try await api.get("/api/v1/auth/me")),
                ("an API 404", .notFound, try await api.get("/api/v1/no/such/thing")),
                (
                    "an API 400", .badRequest,
                    try await api.send(.post, "/api/v1/auth/login", raw: "{", headers: [.contentType: "application/json"])
                ),
                ("the OpenAPI document", .ok, try await api.get("/api/v1/openapi.json")),
                ("the origin check", .ok, try await api.post("/api/v1/live/origin")),
                ("healthz", .ok, try await api.get("/healthz")),
                ("readyz", .ok, try await api.get("/readyz")),
                ("metrics", production ? .unauthorized : .ok, try await api.get("/metrics")),
                ("a plain GET /ws", .upgradeRequired, try await api.get("/ws")),
            ]
            for (what, status, response) in responses {
                #expect(response.status == status, "\(what): \(response.status) \(response.bodyText.prefix(200))")
                Self.expectHeaders(response.headers, what, production: production)
            }
            // Answers Hummingbird writes without the router: refused WebSocket upgrades.
            let foreign = try await webSocketUpgrade(port: port, origin: "https://evil.example.test")
            #expect(foreign.status == .forbidden)
            Self.expectHeaders(foreign.headers, "a refused upgrade (origin)", production: production)
            let elsewhere = try await webSocketUpgrade(port: port, origin: nil, path: "/not-ws")
            #expect(elsewhere.status == .notFound)
            Self.expectHeaders(elsewhere.headers, "a refused upgrade (path)", production: production)
            let forged = try await webSocketUpgrade(port: port, origin: nil, headers: [.authorization: "Bearer not-a-token"])
            #expect(forged.status == .unauthorized)
            Self.expectHeaders(forged.headers, "a refused upgrade (credentials)", production: production)
        }
    }
}
