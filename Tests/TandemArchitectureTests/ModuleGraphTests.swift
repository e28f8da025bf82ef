// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// docs/ARCHITECTURE.md's module diagram is the package's module graph: every module of
/// `Sources/` and every dependency between them that Package.swift declares, and nothing else.
@Suite struct ModuleGraphTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test func theDiagramDrawsEveryModuleAndEveryDependency() throws {
        let package = try ModuleGraph(packageManifest: Self.text("Package.swift"))
        let diagram = try ModuleGraph(mermaidIn: Self.text("docs/ARCHITECTURE.md"))
        #expect(package.modules.count >= 13, "Package.swift parsed to \(package.modules.sorted())")
        let missingModules = package.modules.subtracting(diagram.modules)
        let extraModules = diagram.modules.subtracting(package.modules)
        #expect(missingModules.isEmpty, "modules missing from docs/ARCHITECTURE.md: \(missingModules.sorted())")
        #expect(extraModules.isEmpty, "modules in docs/ARCHITECTURE.md that Package.swift lacks: \(extraModules.sorted())")
        let missingEdges = package.edges.subtracting(diagram.edges)
        let extraEdges = diagram.edges.subtracting(package.edges)
        #expect(missingEdges.isEmpty, "dependencies missing from the diagram: \(missingEdges.map(\.description).sorted())")
        #expect(
            extraEdges.isEmpty, "dependencies in the diagram that Package.swift lacks: \(extraEdges.map(\.description).sorted())")
    }

    /// The parsers themselves, on a manifest and a diagram that differ by one edge.
    @Test func aMissingEdgeOrModuleIsFound() throws {
        let manifest = """
            targets: [
                .target(name: "A", dependencies: ["B", .product(name: "Logging", package: "swift-log")]),
                .systemLibrary(name: "B", pkgConfig: "b"),
                .target(name: "C", dependencies: ["A", "B"], swiftSettings: settings),
                .target(name: "Support", dependencies: ["A"], path: "Tests/Support"),
                .testTarget(name: "ATests", dependencies: ["A"]),
            ]
            """
        let package = try ModuleGraph(packageManifest: manifest)
        #expect(package.modules == ["A", "B", "C"])
        #expect(package.edges == [.init("A", "B"), .init("C", "A"), .init("C", "B")])
        let diagram = try ModuleGraph(mermaidIn: "text\n```mermaid\nflowchart TD\n    C --> A\n    A --> B\n```\n")
        #expect(package.edges.subtracting(diagram.edges) == [.init("C", "B")])
        #expect(package.modules == diagram.modules)
        let withoutC = try ModuleGraph(mermaidIn: "```mermaid\nflowchart TD\n    A --> B\n    D\n```\n")
        #expect(package.modules.subtracting(withoutC.modules) == ["C"])
        #expect(withoutC.modules.subtracting(package.modules) == ["D"])
    }

    static func text(_ path: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
    }
}

/// Modules and their dependencies on each other.
struct ModuleGraph {
    struct Edge: Hashable, CustomStringConvertible {
        var from: String
        var to: String
        init(_ from: String, _ to: String) {
            self.from = from
            self.to = to
        }
        var description: String { "\(from) --> \(to)" }
    }

    struct ParseError: Error, CustomStringConvertible {
        var description: String
    }

    var modules: Set<String> = []
    var edges: Set<Edge> = []

    /// The targets of a Package.swift whose sources are the product's (`.target`,
    /// `.executableTarget`, `.systemLibrary`; not test targets, nor targets under `Tests/`),
    /// and their dependencies on each other (`"Name"` entries; `.product(…)` entries are
    /// other packages' and are left out).
    init(packageManifest text: String) throws {
        let kinds = [".target(", ".executableTarget(", ".systemLibrary(", ".testTarget("]
        var index = text.startIndex
        while let (kind, open) = kinds.compactMap({ kind in text.range(of: kind, range: index..<text.endIndex).map { (kind, $0) }
        })
        .min(by: { $0.1.lowerBound < $1.1.lowerBound }) {
            let body = try Self.balanced(text, from: text.index(before: open.upperBound), open: "(", close: ")")
            index = body.upperBound
            let declaration = String(text[body])
            guard let name = Self.firstQuoted(after: "name:", in: declaration) else {
                throw ParseError(description: "a \(kind) without a name: \(declaration.prefix(80))")
            }
            if kind == ".testTarget(" || declaration.contains("path: \"Tests") { continue }
            modules.insert(name)
            guard let list = declaration.range(of: "dependencies:") else { continue }
            guard let bracket = declaration[list.upperBound...].firstIndex(of: "[") else { continue }
            var dependencies = String(declaration[try Self.balanced(declaration, from: bracket, open: "[", close: "]")])
            while let product = dependencies.range(of: ".product(") {
                let call = try Self.balanced(
                    dependencies, from: dependencies.index(before: product.upperBound), open: "(", close: ")")
                dependencies.removeSubrange(product.lowerBound..<call.upperBound)
            }
            for dependency in Self.quoted(in: dependencies) { edges.insert(Edge(name, dependency)) }
        }
    }

    /// The first ```mermaid block of a Markdown text (after its `flowchart` line): `A --> B`
    /// lines are edges, every name on them a module; a line of one name is a module alone.
    init(mermaidIn markdown: String) throws {
        guard let start = markdown.range(of: "```mermaid\n"),
            let end = markdown.range(of: "```", range: start.upperBound..<markdown.endIndex)
        else { throw ParseError(description: "no ```mermaid block") }
        for line in markdown[start.upperBound..<end.lowerBound].split(separator: "\n").dropFirst() {
            let parts = line.components(separatedBy: "-->").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty {
                edges.insert(Edge(parts[0], parts[1]))
                modules.formUnion(parts)
            } else if parts.count == 1, !parts[0].isEmpty, !parts[0].contains(" ") {
                modules.insert(parts[0])
            }
        }
    }

    /// The range from the bracket at `start` to its matching close, both included.
    static func balanced(
        _ text: String, from start: String.Index, open: Character, close: Character
    ) throws -> Range<String.Index> {
        var depth = 0
        var index = start
        var inString = false
        while index < text.endIndex {
            let character = text[index]
            if character == "\"" {
                inString.toggle()
            } else if !inString && character == open {
                depth += 1
            } else if !inString && character == close {
                depth -= 1
                if depth == 0 { return start..<text.index(after: index) }
            }
            index = text.index(after: index)
        }
        throw ParseError(description: "unbalanced \(open)\(close) from offset \(text.distance(from: text.startIndex, to: start))")
    }

    static func quoted(in text: String) -> [String] {
        text.split(separator: "\"", omittingEmptySubsequences: false).enumerated().filter { $0.offset % 2 == 1 }.map {
            String($0.element)
        }
    }

    static func firstQuoted(after label: String, in text: String) -> String? {
        guard let range = text.range(of: label) else { return nil }
        return quoted(in: String(text[range.upperBound...])).first
    }
}
