// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemTestSupport
import Testing

/// The REST error codes are written in three places: where the server raises them (the
/// `code: "…"` of an ``APIError`` or ``ValidationError``, the codes of ``TicketError``),
/// the table of docs/API.md, and openapi.json. A code the server can produce must be in
/// the docs, and every code of the table must be one the server produces and openapi.json
/// names.
@Suite struct RESTErrorCodeContractTests {
    /// The modules whose errors reach a REST client.
    static let sourceFolders = ["Sources/TandemServer", "Sources/TandemActors", "Sources/TandemCore"]

    @Test func producedCodesAreDocumented() throws {
        let produced = try Self.producedCodes()
        let mentioned = try Self.matches(#"`([a-z_]+)`"#, in: Self.errorsSection())
        #expect(
            produced.subtracting(mentioned).isEmpty,
            "codes the server produces that docs/API.md (Errors) does not name: \(produced.subtracting(mentioned).sorted())")
    }

    @Test func documentedCodesAreProducedAndInOpenAPI() throws {
        let table = try Self.matches(#"(?m)^\| \d{3} \| `([a-z_]+)` \|"#, in: Self.errorsSection())
        try #require(table.count > 20, "the error table of docs/API.md was not found")
        let produced = try Self.producedCodes()
        #expect(
            table.subtracting(produced).isEmpty,
            "docs/API.md lists codes no source produces: \(table.subtracting(produced).sorted())")

        let openAPI = try RepositoryFiles.text(OpenAPIContractTests.documentPath)
        let named = Self.matches(#"`([a-z_]+)`"#, in: openAPI)
        #expect(table.subtracting(named).isEmpty, "openapi.json never names \(table.subtracting(named).sorted())")
        var listed = Set<String>()
        for list in Self.matches(#"Codes: ([^."]*)"#, in: openAPI) { listed.formUnion(Self.matches(#"`([a-z_]+)`"#, in: list)) }
        #expect(
            listed.subtracting(table).isEmpty,
            "openapi.json lists codes the docs/API.md table lacks: \(listed.subtracting(table).sorted())")
    }

    /// Every code the server can put in an error body: the literals of the sources, and the
    /// codes of ``TicketError`` (the switch fails to compile when a case is added).
    static func producedCodes() throws -> Set<String> {
        var codes = Set<String>()
        for folder in sourceFolders {
            let files = FileManager.default.enumerator(at: RepositoryFiles.url(folder), includingPropertiesForKeys: nil)
            while let file = files?.nextObject() as? URL {
                guard file.pathExtension == "swift" else { continue }
                let source = try String(contentsOf: file, encoding: .utf8)
                codes.formUnion(matches(#"code: "([a-z_]+)""#, in: source))
                codes.formUnion(matches(#"Code = "([a-z_]+)""#, in: source))
            }
        }
        let ticketErrors: [TicketError] = [
            .invalidTransition(from: .open, to: .new), .textTooLong(field: .description, limit: 1),
            .invalidOperation(.invalidComponent("")), .closed,
        ]
        for error in ticketErrors {
            switch error {
            case .invalidTransition, .textTooLong, .invalidOperation, .closed: codes.insert(error.code)
            case .invalid: break  // Validation codes: the literals above.
            }
        }
        return codes
    }

    /// The "Errors" section of docs/API.md.
    static func errorsSection() throws -> String {
        let text = try RepositoryFiles.text("docs/API.md")
        guard let from = text.range(of: "\n## Errors"), let to = text.range(of: "\n## ", range: from.upperBound..<text.endIndex)
        else { throw ContractError("docs/API.md has no Errors section") }
        return String(text[from.upperBound..<to.lowerBound])
    }

    static func matches(_ pattern: String, in text: String) -> Set<String> {
        ProtocolContractTests.matches(pattern, in: text)
    }
}
