// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemServer
import TandemStoreMongo

/// Where the store lives, parsed from `store.url`.
public enum StoreLocation: Sendable, Equatable {
    /// An SQLite file; relative paths are resolved against the working directory.
    case sqlite(path: String)
    /// A MongoDB deployment: a `mongodb://` or `mongodb+srv://` connection string
    /// (its path names the database, `tandem` by default).
    case mongodb(url: String)

    /// Parses `sqlite:PATH`, `sqlite://PATH`, `mongodb://…` or `mongodb+srv://…`;
    /// anything else names the key in its error.
    public init(_ url: String) throws(ConfigurationError) {
        if url.hasPrefix("sqlite://") {
            self = .sqlite(path: String(url.dropFirst("sqlite://".count)))
        } else if url.hasPrefix("sqlite:") {
            self = .sqlite(path: String(url.dropFirst("sqlite:".count)))
        } else if MongoStore.handles(url) {
            if let problem = MongoStore.problem(with: url) {
                throw ConfigurationError(key: "store.url", message: "invalid MongoDB connection string: \(problem)")
            }
            self = .mongodb(url: url)
        } else {
            let scheme = url.split(separator: ":").first.map(String.init) ?? url
            throw ConfigurationError(
                key: "store.url", message: "unknown scheme \"\(scheme)\"; expected sqlite:PATH or mongodb://HOST/DATABASE.")
        }
        if case .sqlite(let path) = self, path.isEmpty {
            throw ConfigurationError(key: "store.url", message: "the SQLite path is empty.")
        }
    }
}
