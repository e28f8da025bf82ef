// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// The `tandem` executable of this build, for tests that run it as a child process.
public enum TandemExecutable {
    /// `TANDEM_BINARY`, else next to the test runner (whatever the scratch path), else
    /// under the package's build folders; `nil` when it is not built.
    public static let url: URL? = {
        var candidates: [URL] = []
        if let explicit = ProcessInfo.processInfo.environment["TANDEM_BINARY"] {
            candidates.append(URL(fileURLWithPath: explicit))
        }
        let runner = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
        candidates.append(runner.deletingLastPathComponent().appendingPathComponent("tandem"))
        candidates.append(Bundle.main.bundleURL.appendingPathComponent("tandem"))
        for bundle in Bundle.allBundles where bundle.bundlePath.hasSuffix(".xctest") {
            candidates.append(bundle.bundleURL.deletingLastPathComponent().appendingPathComponent("tandem"))
        }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let scratches =
            (try? FileManager.default.contentsOfDirectory(atPath: root.path))?
            .filter { $0.hasPrefix(".build") }.sorted() ?? []
        for scratch in scratches {
            candidates.append(root.appendingPathComponent(scratch).appendingPathComponent("debug/tandem"))
        }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }()
}
