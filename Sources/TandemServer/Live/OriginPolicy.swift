// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import NIOCore

/// Which browser origins may open a WebSocket (cross-site WebSocket hijacking is what it stops:
/// a page elsewhere using the session cookie of someone signed in here).
///
/// - A request without `Origin`, or with a `ws:`/`wss:` one, is not from a browser: allowed.
///   (Browsers send the page's `http`/`https` origin or `null`; client libraries send nothing
///   or `ws://host`, as Hummingbird's does.)
/// - With `http.allowedOrigins` set, the `Origin` must be exactly one of them.
/// - Unset, the server allows the origins it is reached at:
///   - bound to a loopback address (`127.0.0.1`, `::1`, `localhost`): `http`/`https` with
///     `localhost`, `127.0.0.1` or `[::1]` and the port the connection arrived on. The `Host`
///     header is not consulted, so a DNS-rebinding page cannot pass for local.
///   - bound to any other address, a wildcard (`0.0.0.0`, `::`) included: the same origin as
///     the request, an `Origin` whose host and port are the `Host` header's (and, for a named
///     address, that address and port). A page on another site sends its own origin with this
///     server's `Host`, and is refused.
///   Behind a reverse proxy that changes the host or port, set `http.allowedOrigins`.
public struct OriginPolicy: Sendable {
    /// `http.allowedOrigins`; empty: the automatic rules above.
    public let configured: Set<String>
    /// `http.host`.
    public let bindHost: String

    public init(configured: [String], bindHost: String) {
        self.configured = Set(configured)
        self.bindHost = bindHost
    }

    /// Whether `origin` may open a WebSocket on a connection that arrived at `localPort`
    /// with the `Host` header `host`.
    public func allows(origin: String?, host: String?, localPort: Int?) -> Bool {
        guard let origin else { return true }
        let scheme = origin.prefix { $0 != ":" }.lowercased()
        if scheme == "ws" || scheme == "wss" { return true }
        if !configured.isEmpty { return configured.contains(origin) }
        guard let parsed = Origin(origin) else { return false }
        if Self.isLoopback(bindHost) {
            guard let localPort else { return false }
            return parsed.port == localPort && Self.loopbackNames.contains(parsed.host)
        }
        if let host, let authority = Origin(scheme: parsed.scheme, authority: host), authority == parsed { return true }
        if !Self.isWildcard(bindHost), let localPort {
            return parsed.port == localPort && parsed.host == Origin.canonicalHost(bindHost)
        }
        return false
    }

    /// What the automatic rules allow, in words, for log lines and errors.
    public func describe(localPort: Int?) -> String {
        if !configured.isEmpty { return "http.allowedOrigins: \(configured.sorted().joined(separator: ", "))" }
        if Self.isLoopback(bindHost) {
            let port = localPort.map(String.init) ?? "PORT"
            return "http.allowedOrigins is not set: allowed are http(s)://localhost:\(port), 127.0.0.1:\(port) and [::1]:\(port)"
        }
        return "http.allowedOrigins is not set: allowed is the origin the request was sent to (its Host header)"
    }

    static let loopbackNames: Set<String> = ["localhost", "127.0.0.1", "[::1]"]

    static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" { return true }
        guard let address = try? SocketAddress(ipAddress: bare, port: 0) else { return false }
        switch address {
        case .v4: return address.ipAddress?.hasPrefix("127.") == true
        case .v6: return address.ipAddress == "::1"
        default: return false
        }
    }

    static func isWildcard(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        return bare == "0.0.0.0" || bare == "::" || bare.isEmpty
    }

    /// An `http`/`https` origin: scheme, lower-cased host (IPv6 in brackets) and port (the
    /// scheme's default when absent).
    struct Origin: Equatable {
        var scheme: String
        var host: String
        var port: Int

        init?(_ text: String) {
            guard let range = text.range(of: "://") else { return nil }
            self.init(scheme: String(text[..<range.lowerBound]), authority: String(text[range.upperBound...]))
        }

        /// From a scheme and an authority (`host`, `host:port`, `[v6]:port`); no path, no user info.
        init?(scheme: String, authority: String) {
            let scheme = scheme.lowercased()
            guard scheme == "http" || scheme == "https", !authority.isEmpty,
                !authority.contains(where: { $0 == "/" || $0 == "@" || $0 == "?" || $0 == "#" || $0 == " " })
            else { return nil }
            var host = Substring(authority)
            var port = scheme == "https" ? 443 : 80
            if let colon = authority.lastIndex(of: ":"), !authority[colon...].contains("]") {
                guard let number = Int(authority[authority.index(after: colon)...]), (1...65535).contains(number) else {
                    return nil
                }
                port = number
                host = authority[..<colon]
            }
            guard !host.isEmpty else { return nil }
            self.scheme = scheme
            self.host = host.lowercased()
            self.port = port
        }

        /// `::1` → `[::1]`, names lower-cased: the spelling an origin uses.
        static func canonicalHost(_ host: String) -> String {
            let lower = host.lowercased()
            return lower.contains(":") && !lower.hasPrefix("[") ? "[\(lower)]" : lower
        }
    }
}
