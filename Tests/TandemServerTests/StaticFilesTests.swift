// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import HummingbirdTesting
import Testing

@testable import TandemServer

/// The web client from `web.root`: HTML revalidated, assets cached, a placeholder when unbuilt.
@Suite struct StaticFilesTests {
    /// A temporary web root with an index page and a script.
    private static func webRoot() throws -> String {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-web-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try Data("<!doctype html><title>Tandem web</title><script src=app.js></script>".utf8)
            .write(to: root.appendingPathComponent("index.html"))
        try Data("console.log('tandem');".utf8).write(to: root.appendingPathComponent("app.js"))
        return root.path
    }

    @Test func builtClientIsServedWithCacheHeaders() async throws {
        let root = try Self.webRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let env = try await TestEnvironment.make { $0.web.root = root }
        try await env.run { api in
            let index = try await api.get("/")
            #expect(index.status == .ok)
            #expect(index.bodyText.contains("Tandem web"))
            #expect(index.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(index.headers[.cacheControl] == "no-cache")

            let explicit = try await api.get("/index.html")
            #expect(explicit.status == .ok)
            #expect(explicit.headers[.cacheControl] == "no-cache")

            let script = try await api.get("/app.js")
            #expect(script.status == .ok)
            #expect(script.bodyText == "console.log('tandem');")
            let cacheControl = try #require(script.headers[.cacheControl])
            #expect(cacheControl.contains("max-age=300"))
            #expect(script.headers[.eTag] != nil)

            // Missing files and the API are untouched by the file middleware.
            expectError(try await api.get("/missing.js"), .notFound, "not_found")
            #expect(try await api.get("/healthz").status == .ok)
            // No escaping the web root.
            let escape = try await api.get("/../../../../etc/passwd")
            #expect(escape.status != .ok || !escape.bodyText.contains("root:"))
        }
    }

    @Test func clientSideRoutesFallBackToTheApp() async throws {
        let root = try Self.webRoot()
        defer { try? FileManager.default.removeItem(atPath: root) }
        let env = try await TestEnvironment.make { $0.web.root = root }
        try await env.run { api in
            for path in ["/tickets/tkt_01JD9A0B1C2D3E4F5G6H7J8K9M", "/portal/new", "/queue?team=triage", "/dashboard"] {
                let page = try await api.get(path)
                #expect(page.status == .ok, "\(path)")
                #expect(page.bodyText.contains("Tandem web"), "\(path)")
                #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(page.headers[.cacheControl] == "no-cache")
            }
            // Assets, the API, the WebSocket endpoint and other methods never fall back.
            expectError(try await api.get("/missing.js"), .notFound, "not_found")
            expectError(try await api.get("/api/v1/nothing-here"), .notFound, "not_found")
            #expect(try await api.get("/ws").status == .upgradeRequired)
            #expect(try await api.get("/healthz").bodyText.contains("ok"))
            let post = try await api.send(.post, "/tickets/x", raw: "{}", headers: [.contentType: "application/json"])
            #expect(post.status == .notFound)
        }
    }

    @Test func placeholderWhenTheClientIsNotBuilt() async throws {
        let env = try await TestEnvironment.make()
        #expect(!FileManager.default.fileExists(atPath: env.configuration.web.root + "/index.html"))
        try await env.run { api in
            let page = try await api.get("/")
            #expect(page.status == .ok)
            #expect(page.headers[.contentType]?.hasPrefix("text/html") == true)
            #expect(page.headers[.cacheControl] == "no-cache")
            #expect(page.bodyText.contains("The web client is not built"))
            #expect(page.bodyText.contains("/api/v1/openapi.json"))
            expectError(try await api.get("/app.js"), .notFound, "not_found")
        }
    }

    @Test func placeholderAnswersOnlyGetSlash() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let post = try await api.send(.post, "/", raw: "{}", headers: [.contentType: "application/json"])
            #expect(post.status != .ok)
            #expect(post.headers[.requestID] != nil)
        }
    }
}
