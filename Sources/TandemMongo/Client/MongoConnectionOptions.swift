// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CMongoc

/// How to reach MongoDB: a connection string and the defaults Tandem applies
/// for what the string leaves out.
///
/// Every option written in the connection string wins over these defaults, so
/// `mongodb://h1,h2,h3/tandem?replicaSet=rs0&w=2&journal=false&serverSelectionTimeoutMS=2000`
/// means exactly that.
public struct MongoConnectionOptions: Sendable, Hashable {
    /// `mongodb://…` or `mongodb+srv://…`. The path names the database (default `tandem`).
    public var url: String
    /// How long an operation waits for a suitable server (`serverSelectionTimeoutMS`).
    public var serverSelectionTimeout: Duration
    /// How long a socket read or write may block (`socketTimeoutMS`).
    public var socketTimeout: Duration
    /// How long a write waits for its write concern (`wTimeoutMS`). Writes use
    /// `w: "majority", j: true` unless the string sets `w` or `journal`.
    public var writeConcernTimeout: Duration
    /// Connections in the pool and threads running blocking driver calls
    /// (`maxPoolSize` in the string overrides it).
    public var maximumConnections: Int

    /// The database used when the connection string names none.
    public static let defaultDatabase = "tandem"

    public init(
        url: String, serverSelectionTimeout: Duration = .seconds(5), socketTimeout: Duration = .seconds(30),
        writeConcernTimeout: Duration = .seconds(10), maximumConnections: Int = 8
    ) {
        self.url = url
        self.serverSelectionTimeout = serverSelectionTimeout
        self.socketTimeout = socketTimeout
        self.writeConcernTimeout = writeConcernTimeout
        self.maximumConnections = maximumConnections
    }

    /// Whether `url` names MongoDB (`mongodb://` or `mongodb+srv://`).
    public static func isMongoURL(_ url: String) -> Bool {
        url.hasPrefix("mongodb://") || url.hasPrefix("mongodb+srv://")
    }
}

extension Duration {
    /// Whole milliseconds, clamped to `Int32` (libmongoc's option type).
    var clampedMilliseconds: Int32 {
        let (seconds, attoseconds) = components
        let millis = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, millis))
    }
}

extension MongoConnectionOptions {
    /// Parses `url` as libmongoc does, without connecting; returns why it is
    /// invalid, or `nil` when it is valid.
    public static func problem(with url: String) -> String? {
        do {
            let uri = try MongoURI(MongoConnectionOptions(url: url))
            mongoc_uri_destroy(uri.pointer)
            return nil
        } catch {
            return error.message
        }
    }
}
