// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Why a message could not be composed or sent, classified by what the sender can do about it.
public struct MailError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// A value cannot go into a message (a line break in a header, an address that is not one).
        case invalidMessage
        /// The SMTP URL or another setting is unusable.
        case invalidSettings
        /// No connection: refused, unreachable, or the host is unknown. Nothing was sent.
        case connectionFailed
        /// Connecting or the transfer took longer than its timeout.
        case timeout
        /// TLS was required but the server does not offer STARTTLS.
        case tlsUnavailable
        /// The TLS handshake or the server's certificate failed.
        case tls
        /// The server refused the credentials.
        case authenticationFailed
        /// The server refused the message or a recipient for good (a 5xx reply).
        case rejected
        /// The server refused for now (a 4xx reply).
        case deferred
        /// The connection broke during the transfer: the message may or may not have been taken.
        case connectionLost
        /// The client was shut down.
        case shutdown
    }

    public var kind: Kind
    public var message: String
    /// The server's last SMTP reply code, when it sent one.
    public var smtpCode: Int?

    public init(_ kind: Kind, _ message: String, smtpCode: Int? = nil) {
        self.kind = kind
        self.message = message
        self.smtpCode = smtpCode
    }

    /// Whether trying again cannot help: the message or a recipient was refused for good.
    /// Everything else (the network, the server, TLS, credentials an admin may fix) is retried.
    public var isPermanent: Bool { kind == .rejected || kind == .invalidMessage }

    public var description: String {
        "mail \(kind.rawValue) error" + (smtpCode.map { " (SMTP \($0))" } ?? "") + ": \(message)"
    }
}
