// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemTestSupport
import Testing

/// Differential fuzz of the two OT implementations: random documents and concurrent
/// operations (seeded, so a failure repeats) go through the Swift OT here, and the cases
/// with Swift's results through the web client's OT under node (Web/tests/differential/otCheck.ts),
/// which must agree on every transformed operation, composition, normal form, applied text,
/// moved caret and tag set.
@Suite("OT: differential against the web client")
struct OTDifferentialTests {
    static let seed: UInt64 = 20_261_207

    @Test func webClientAgreesWithSwiftOnRandomCases() throws {
        var rng = SplitMix64(seed: Self.seed)
        let corpus = Self.corpus(using: &rng)
        #expect(corpus.failures().isEmpty, "Swift disagrees with its own corpus")

        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-ot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let corpusFile = folder.appendingPathComponent("corpus.json")
        try JSONEncoder().encode(corpus).write(to: corpusFile)

        let checker = folder.appendingPathComponent("otCheck.js")
        let bundle = try Self.run(
            "esbuild",
            [
                RepositoryFiles.url("Web/tests/differential/otCheck.ts").path, "--bundle", "--platform=node",
                "--format=cjs", "--target=es2020", "--log-level=warning", "--outfile=\(checker.path)",
            ])
        try #require(bundle.status == 0, "esbuild failed (scripts/setup.sh test installs it): \(bundle.output)")
        let check = try Self.run("node", [checker.path, corpusFile.path])
        #expect(check.status == 0, "the web client's OT disagrees with Swift (seed \(Self.seed)):\n\(check.output)")
        #expect(check.output.contains("\(corpus.count)/\(corpus.count) cases agree"), "\(check.output)")
    }

    /// Random cases with this implementation's results.
    static func corpus(using rng: inout SplitMix64) -> OTContractCases {
        var cases = OTContractCases()
        for _ in 0..<1_500 {
            let doc = OTGen.text(length: Int.random(in: 0...12, using: &rng), using: &rng)
            let length = doc.unicodeScalars.count
            let a = OTGen.operation(length: length, using: &rng)
            let b = OTGen.operation(length: length, using: &rng)
            let priority: OTPriority = Bool.random(using: &rng) ? .left : .right
            let (aPrime, bPrime) = TextOperation.transform(a, b, priority: priority)
            guard let result = try? bPrime.apply(to: a.apply(to: doc)) else { continue }
            cases.transform.append(
                .init(
                    doc: doc, a: a, b: b, priority: priority == .left ? "left" : "right",
                    aPrime: aPrime.components, bPrime: bPrime.components, result: result))

            let afterA = (try? a.apply(to: doc)) ?? doc
            let next = OTGen.operation(length: afterA.unicodeScalars.count, using: &rng)
            let composed = TextOperation.compose(a, next)
            if let text = try? composed.apply(to: doc) {
                cases.compose.append(.init(doc: doc, a: a, b: next, result: composed.components, text: text))
            }

            // Sometimes for a longer document than `doc`, which must be refused.
            let reach = OTGen.operation(length: length + Int.random(in: 0...2, using: &rng), using: &rng)
            cases.apply.append(.init(doc: doc, op: reach, result: try? reach.apply(to: doc)))

            let position = Int.random(in: 0...(length + 2), using: &rng)
            let isOwn = Bool.random(using: &rng)
            cases.transformPosition.append(
                .init(
                    op: a, position: position, isOwn: isOwn, result: a.transformPosition(position, isOwn: isOwn)))

            let raw = rawComponents(using: &rng)
            cases.normalize.append(.init(op: raw, result: (try? TextOperation(validating: raw))?.components))

            let tags = Set(Self.tags.filter { _ in Bool.random(using: &rng) })
            let (x, y) = (tagOperation(using: &rng), tagOperation(using: &rng))
            cases.tagApply.append(.init(tags: tags.sorted(), op: .init(x), result: x.apply(to: tags).sorted()))
            let (xPrime, yPrime) = TagOperation.transform(x, y, priority: priority)
            cases.tagTransform.append(
                .init(
                    tags: tags.sorted(), a: .init(x), b: .init(y), priority: priority == .left ? "left" : "right",
                    aPrime: .init(xPrime), bPrime: .init(yPrime), result: yPrime.apply(to: x.apply(to: tags)).sorted()))
        }
        return cases
    }

    static let tags = ["bug", "billing", "vip", "日本", "café"]

    /// A random tag operation over a few tags, so that concurrent ones often touch the same tag.
    static func tagOperation(using rng: inout SplitMix64) -> TagOperation {
        let add = tags.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
        let remove = tags.filter { _ in Int.random(in: 0..<3, using: &rng) == 0 }
        // Every tag above is valid: this cannot throw.
        return try! TagOperation(adding: add, removing: remove)
    }

    /// Components as a client might send them: unmerged neighbours, deletes before inserts, trailing retains.
    static func rawComponents(using rng: inout SplitMix64) -> [TextOperation.Component] {
        (0..<Int.random(in: 0...6, using: &rng)).map { _ in
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: .retain(Int.random(in: 1...3, using: &rng))
            case 1: .delete(Int.random(in: 1...3, using: &rng))
            default: .insert(OTGen.insertText(using: &rng))
            }
        }
    }

    /// Runs a program found on `PATH`; its exit status and what it printed.
    static func run(_ program: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [program] + arguments
        var environment = ProcessInfo.processInfo.environment
        environment["NODE_PATH"] = "/usr/share/nodejs"
        process.environment = environment
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: output, as: UTF8.self))
    }
}
