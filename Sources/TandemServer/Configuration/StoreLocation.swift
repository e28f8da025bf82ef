//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

/// Where the store lives, parsed from `store.url`.
public enum StoreLocation: Sendable, Equatable {
    /// An SQLite file; relative paths are resolved against the working directory.
    case sqlite(path: String)

    /// Parses `sqlite:PATH` or `sqlite://PATH`; anything else names the key in its error.
    public init(_ url: String) throws(ConfigurationError) {
        if url.hasPrefix("sqlite://") {
            self = .sqlite(path: String(url.dropFirst("sqlite://".count)))
        } else if url.hasPrefix("sqlite:") {
            self = .sqlite(path: String(url.dropFirst("sqlite:".count)))
        } else if url.hasPrefix("mongodb://") || url.hasPrefix("mongodb+srv://") {
            throw ConfigurationError(key: "store.url", message: "MongoDB is not supported by this build yet; use sqlite:PATH.")
        } else {
            let scheme = url.split(separator: ":").first.map(String.init) ?? url
            throw ConfigurationError(key: "store.url", message: "unknown scheme \"\(scheme)\"; expected sqlite:PATH.")
        }
        if case .sqlite(let path) = self, path.isEmpty {
            throw ConfigurationError(key: "store.url", message: "the SQLite path is empty.")
        }
    }
}
