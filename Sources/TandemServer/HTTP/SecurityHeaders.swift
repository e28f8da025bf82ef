// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes

/// The browser security headers every response carries (``SecurityHeadersHandler`` adds them),
/// whatever answered: a route, an error, a static file, a refused WebSocket upgrade.
///
/// The web client is built to run under this policy: scripts and styles only from files of
/// this origin (no inline script, no `eval`, no `<style>` or `style="…"` in markup; React sets
/// styles through the DOM, which a policy does not restrict), images from this origin or
/// `data:` (the favicon is `data:,`), fetches and the WebSocket to this origin only (CSP
/// Level 3 lets `'self'` cover `ws:`/`wss:` on the same host and port), no framing.
public struct SecurityHeaders: Sendable {
    /// The Content-Security-Policy of every response.
    public static let contentSecurityPolicy = [
        "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
        "connect-src 'self'", "manifest-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
    ].joined(separator: "; ")

    /// `Strict-Transport-Security`, sent in production mode only: a development server on
    /// `http://localhost` must not teach the browser to insist on HTTPS for that host.
    public static let strictTransportSecurity = "max-age=31536000"

    /// The fields, in order.
    public let fields: HTTPFields

    public init(production: Bool) {
        var fields: HTTPFields = [
            .contentSecurityPolicy: Self.contentSecurityPolicy,
            .xContentTypeOptions: "nosniff",
            .xFrameOptions: "DENY",
            .referrerPolicy: "same-origin",
            .crossOriginOpenerPolicy: "same-origin",
        ]
        if production { fields[.strictTransportSecurity] = Self.strictTransportSecurity }
        self.fields = fields
    }

    /// Sets every field on `headers`, replacing any value already there, except a
    /// Content-Security-Policy a route set itself: such a policy is stricter (attachments are
    /// served with `sandbox`).
    public func apply(to headers: inout HTTPFields) {
        let own = headers[.contentSecurityPolicy]
        for field in fields { headers[field.name] = field.value }
        if let own, own.hasPrefix("sandbox") { headers[.contentSecurityPolicy] = own }
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
    static let crossOriginOpenerPolicy = Self("Cross-Origin-Opener-Policy")!
}
