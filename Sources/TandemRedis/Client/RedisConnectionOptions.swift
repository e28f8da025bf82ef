// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// How to reach Redis, and the timeouts and limits of the connections.
///
/// hiredis 0.14 has no TLS: reach Redis over a private network or through a
/// TLS tunnel (stunnel, spiped) listening on this machine. See docs/CLUSTER.md.
public struct RedisConnectionOptions: Sendable, Hashable {
    public var host: String
    public var port: Int
    /// The ACL user for `AUTH user password`; `nil` sends `AUTH password`.
    public var username: String?
    /// Sent with `AUTH` on every new connection when set.
    public var password: String?
    /// The database `SELECT`ed on every command connection (pub/sub ignores it).
    public var database: Int
    /// How long opening a connection may take.
    public var connectTimeout: Duration
    /// How long a call (a command, a pipeline, a subscription change) may wait for
    /// its replies before the connection is dropped and the call fails with `timeout`.
    public var commandTimeout: Duration
    /// Command connections in the pool, and threads running the blocking calls.
    public var maximumConnections: Int
    /// How long a subscriber's connection may stay silent before it sends a `PING`
    /// to prove the connection alive (half-open connections show within this plus
    /// ``commandTimeout``).
    public var subscriberPingInterval: Duration
    /// Delays between connection attempts while Redis is unreachable.
    public var reconnect: RedisBackoff
    /// Sent with `CLIENT SETNAME` on every new connection, so that `CLIENT LIST` says whose
    /// it is (no spaces; `nil` sends nothing).
    public var clientName: String?

    public init(
        host: String = "127.0.0.1", port: Int = 6379, username: String? = nil, password: String? = nil,
        database: Int = 0, connectTimeout: Duration = .seconds(2), commandTimeout: Duration = .seconds(5),
        maximumConnections: Int = 4, subscriberPingInterval: Duration = .seconds(5),
        reconnect: RedisBackoff = RedisBackoff()
    ) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.connectTimeout = connectTimeout
        self.commandTimeout = commandTimeout
        self.maximumConnections = maximumConnections
        self.subscriberPingInterval = subscriberPingInterval
        self.reconnect = reconnect
    }

    /// Options from `redis://[[user]:password@]host[:port][/database]`, the other
    /// settings at their defaults.
    /// - Throws: ``RedisError`` of kind `invalidArgument` naming what is wrong.
    public init(url: String) throws(RedisError) {
        guard let components = URLComponents(string: url), components.scheme?.lowercased() == "redis" else {
            throw RedisError(.invalidArgument, "not a redis:// URL: \(url)")
        }
        guard let host = components.host, !host.isEmpty else {
            throw RedisError(.invalidArgument, "the Redis URL names no host: \(url)")
        }
        self.init(host: host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")))
        if let port = components.port {
            guard (1...65535).contains(port) else { throw RedisError(.invalidArgument, "bad port \(port) in \(url)") }
            self.port = port
        }
        if let user = components.user, !user.isEmpty { username = user.removingPercentEncoding ?? user }
        if let password = components.password { self.password = password.removingPercentEncoding ?? password }
        let path = components.path.drop(while: { $0 == "/" })
        if !path.isEmpty {
            guard let database = Int(path), database >= 0 else {
                throw RedisError(.invalidArgument, "the path of a Redis URL is a database number, not '\(path)'")
            }
            self.database = database
        }
        if components.queryItems?.isEmpty == false {
            throw RedisError(.invalidArgument, "Redis URL options are not supported: \(components.query ?? "")")
        }
    }

    /// Whether `url` names Redis (`redis://`). `rediss://` (TLS) is not supported by hiredis 0.14.
    public static func isRedisURL(_ url: String) -> Bool { url.lowercased().hasPrefix("redis://") }
}

extension Duration {
    /// Whole milliseconds, at least `minimum`, clamped to `Int`.
    func milliseconds(atLeast minimum: Int = 0) -> Int {
        let (seconds, attoseconds) = components
        let (millis, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return seconds < 0 ? minimum : Int.max }
        return max(minimum, Int(clamping: millis + attoseconds / 1_000_000_000_000_000))
    }
}
