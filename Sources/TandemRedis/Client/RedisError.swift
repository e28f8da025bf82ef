// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// An error from hiredis, the network or Redis, classified by what a caller can do about it.
public struct RedisError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong, coarsely.
    public enum Kind: String, Sendable, Hashable {
        /// No connection could be made: refused, unreachable, or the host is unknown.
        /// Nothing was sent.
        case connectionRefused
        /// The connection broke during a call. A write may or may not have been applied.
        case connectionLost
        /// Connecting or a call took longer than its timeout; the connection is dropped.
        /// A write may or may not have been applied.
        case timeout
        /// Redis answered with an error reply; ``RedisError/message`` is its text
        /// and ``RedisError/code`` its first word (`ERR`, `WRONGTYPE`, `NOSCRIPT`, …).
        case server
        /// A reply that breaks the protocol or does not have the expected shape.
        case protocolError
        /// The URL, an option or a command is invalid.
        case invalidArgument
        /// The client or subscriber was shut down.
        case shutdown
        /// The calling task was cancelled before the call ran.
        case cancelled
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    /// For a server error, the first word of the reply (`WRONGTYPE`, `NOSCRIPT`, …).
    public var code: String? {
        guard kind == .server else { return nil }
        return message.split(separator: " ", maxSplits: 1).first.map(String.init)
    }

    public var description: String { "Redis \(kind.rawValue) error: \(message)" }

    /// Whether the connection that produced this error can serve further calls.
    var keepsConnection: Bool { kind == .server || kind == .invalidArgument }
}
