// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemTestSupport
import Testing

@testable import TandemServer

/// The `tandem.v1` vocabulary is written three times: the server's frame kinds and error
/// codes, the web client's wire types (Web/src/protocol/types.ts) and docs/PROTOCOL.md.
/// These tests fail as soon as one of the three has a message type, frame type or error
/// code that another lacks.
@Suite struct ProtocolContractTests {
    static let typesPath = "Web/src/protocol/types.ts"
    static let protocolPath = "docs/PROTOCOL.md"

    @Test func clientMessageTypesAgree() throws {
        let swift = Set(ClientFrame.Kind.allCases.map(\.rawValue))
        let web = try Self.frameTypes(inUnion: "ClientMessage", of: RepositoryFiles.text(Self.typesPath))
        let doc = Self.headings(in: try Self.section("### 3.2", upTo: "### 3.3"))
        try Self.expectSame(["server (ClientFrame.Kind)": swift, Self.typesPath: web, "\(Self.protocolPath) §3.2": doc])
    }

    @Test func serverFrameTypesAgree() throws {
        let swift = Set(ServerFrame.Kind.allCases.map(\.rawValue))
        let web = try Self.frameTypes(inUnion: "ServerFrame", of: RepositoryFiles.text(Self.typesPath))
        let doc = Self.headings(in: try Self.section("### 3.3", upTo: "### 3.4"))
        try Self.expectSame(["server (ServerFrame.Kind)": swift, Self.typesPath: web, "\(Self.protocolPath) §3.3": doc])
    }

    /// Codes the document retires ("`x` is no longer sent") stay in the server's enumeration
    /// for internal use but are not part of the contract.
    @Test func errorCodesAgree() throws {
        let section = try Self.section("### 7.1", upTo: "### 7.2")
        let doc = Self.matches(#"(?m)^\| `([a-z_]+)` \|"#, in: section)
        let retired = Self.matches(#"`([a-z_]+)` is no longer sent"#, in: section)
        let swift = Set(ProtocolError.Code.allCases.map(\.rawValue)).subtracting(retired)
        let web = Self.stringLiterals(
            in: try Self.declaration("export type ErrorCode =", of: RepositoryFiles.text(Self.typesPath)))
        try Self.expectSame(["server (ProtocolError.Code)": swift, Self.typesPath: web, "\(Self.protocolPath) §7.1": doc])
    }

    // MARK: Reading the other two sides

    /// Fails naming, for each side, what it has that another lacks.
    static func expectSame(_ sides: [String: Set<String>], sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (name, values) in sides { try #require(!values.isEmpty, "nothing found in \(name)", sourceLocation: sourceLocation) }
        let all = sides.values.reduce(Set<String>()) { $0.union($1) }
        for (name, values) in sides.sorted(by: { $0.key < $1.key }) {
            let missing = all.subtracting(values)
            #expect(missing.isEmpty, "\(name) lacks \(missing.sorted()), which another side has", sourceLocation: sourceLocation)
        }
    }

    /// The text of PROTOCOL.md from the heading starting with `start` to the one starting with `end`.
    static func section(_ start: String, upTo end: String) throws -> String {
        let text = try RepositoryFiles.text(protocolPath)
        guard let from = text.range(of: "\n\(start)"), let to = text.range(of: "\n\(end)", range: from.upperBound..<text.endIndex)
        else { throw ContractError("\(protocolPath) has no section \(start) followed by \(end)") }
        return String(text[from.upperBound..<to.lowerBound])
    }

    /// The names of the message headings (``#### `type` …``) of a section.
    static func headings(in section: String) -> Set<String> {
        matches(#"(?m)^#### `([a-z_]+)`"#, in: section)
    }

    /// The `type: "…"` literals of a TypeScript union type.
    static func frameTypes(inUnion name: String, of source: String) throws -> Set<String> {
        matches(#"type: "([a-z_]+)""#, in: try declaration("export type \(name) =", of: source))
    }

    /// A TypeScript declaration, from `start` to its closing `;` at the end of a line.
    static func declaration(_ start: String, of source: String) throws -> String {
        guard let from = source.range(of: start),
            let to = source.range(of: #";\s*\n"#, options: .regularExpression, range: from.upperBound..<source.endIndex)
        else { throw ContractError("no `\(start)` in the TypeScript source") }
        return String(source[from.upperBound..<to.lowerBound])
    }

    static func stringLiterals(in text: String) -> Set<String> { matches(#""([a-z_]+)""#, in: text) }

    static func matches(_ pattern: String, in text: String) -> Set<String> {
        let regex = try! NSRegularExpression(pattern: pattern)
        let range = NSRange(text.startIndex..., in: text)
        return Set(
            regex.matches(in: text, range: range).compactMap { match in
                Range(match.range(at: 1), in: text).map { String(text[$0]) }
            })
    }
}

/// A file a contract test reads does not have the expected shape.
struct ContractError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
