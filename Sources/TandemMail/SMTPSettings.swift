// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// TLS on an SMTP connection.
public enum SMTPTLSMode: String, Sendable, Hashable, CaseIterable {
    /// Plain SMTP (a relay on the same host or a trusted network only).
    case none
    /// STARTTLS when the server offers it, plain otherwise.
    case opportunistic
    /// STARTTLS or fail (``MailError/Kind/tlsUnavailable``): the default.
    case required
    /// TLS from the first byte (`smtps://`, usually port 465).
    case implicit
}

/// Where and how to send mail.
public struct SMTPSettings: Sendable, Hashable {
    /// `smtp://host[:port]` (STARTTLS per ``tls``) or `smtps://host[:port]`.
    public var url: String
    public var username: String?
    public var password: String?
    public var tls: SMTPTLSMode
    /// A PEM file of CA certificates to trust instead of the system's (a private relay, tests).
    public var caFile: String?
    public var connectTimeout: Duration
    /// The whole transfer of one message.
    public var timeout: Duration
    /// Messages sent at the same time (one connection and one thread each).
    public var connections: Int

    public init(
        url: String, username: String? = nil, password: String? = nil, tls: SMTPTLSMode = .required,
        caFile: String? = nil, connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(60),
        connections: Int = 2
    ) {
        self.url = url
        self.username = username
        self.password = password
        self.tls = tls
        self.caFile = caFile
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.connections = connections
    }

    /// The URL curl connects to: `smtps://` for implicit TLS, and no trailing path (curl would
    /// send a path as the EHLO name).
    func curlURL() throws(MailError) -> String {
        let lower = url.lowercased()
        guard lower.hasPrefix("smtp://") || lower.hasPrefix("smtps://") else {
            throw MailError(.invalidSettings, "the SMTP URL must start with smtp:// or smtps://: \(url)")
        }
        guard !url.unicodeScalars.contains(where: { $0.value < 0x21 || $0.value == 0x7F }) else {
            throw MailError(.invalidSettings, "the SMTP URL holds a space or control character")
        }
        if tls == .implicit, lower.hasPrefix("smtp://") { return "smtps://" + url.dropFirst("smtp://".count) }
        return url
    }
}
