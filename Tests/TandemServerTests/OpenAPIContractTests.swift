// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird
import TandemTestSupport
import Testing

@testable import TandemServer

/// openapi.json is the checked description of the REST API: every route the router
/// registers is documented there with its method, and every documented operation is
/// registered. (scripts/api-fuzz.sh then holds the live server's answers against it.)
@Suite struct OpenAPIContractTests {
    static let documentPath = "Sources/TandemServer/Resources/openapi.json"

    @Test func routesAndDocumentedOperationsAgree() async throws {
        let env = try await TestEnvironment.make()
        let router = try await TandemServerBuilder.buildRouter(env.dependencies.server)
        try await env.store.close()
        let registered = Set(router.routes.map { "\($0.method.rawValue) \($0.path.description)" })
        let documented = try Self.documentedOperations()
        try #require(!registered.isEmpty && !documented.isEmpty)
        #expect(
            registered.subtracting(documented).isEmpty,
            "routes missing from \(Self.documentPath): \(registered.subtracting(documented).sorted())")
        #expect(
            documented.subtracting(registered).isEmpty,
            "documented in \(Self.documentPath) but not registered: \(documented.subtracting(registered).sorted())")
    }

    /// The document the server serves at `/api/v1/openapi.json` is this file, byte for byte.
    @Test func servedDocumentIsTheCheckedOne() throws {
        let served = try #require(OpenAPIDocument.bytes, "the openapi.json resource is missing")
        let checked = try RepositoryFiles.data(Self.documentPath)
        #expect(Data(served) == checked)
    }

    /// `METHOD /path` of every operation in the document.
    static func documentedOperations() throws -> Set<String> {
        let methods: Set<String> = ["get", "put", "post", "delete", "options", "head", "patch", "trace"]
        let document = try JSONSerialization.jsonObject(with: RepositoryFiles.data(documentPath)) as? [String: Any]
        let paths = try #require(document?["paths"] as? [String: [String: Any]], "openapi.json has no paths")
        return Set(
            paths.flatMap { path, item in
                item.keys.filter(methods.contains).map { "\($0.uppercased()) \(path)" }
            })
    }
}
