// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// Files of this repository that tests hold the code against: shared test vectors, the docs,
/// the web client's sources. Found from this file's own path, so any scratch path works.
public enum RepositoryFiles {
    /// The repository's root folder.
    public static let root = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The file at `path` (relative to the root).
    public static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    /// The contents of the file at `path`, as UTF-8 text.
    public static func text(_ path: String) throws -> String {
        try String(contentsOf: url(path), encoding: .utf8)
    }

    /// The contents of the file at `path`.
    public static func data(_ path: String) throws -> Data {
        try Data(contentsOf: url(path))
    }
}
