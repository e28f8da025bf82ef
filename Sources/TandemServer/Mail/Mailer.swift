// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemStore

/// Writes e-mail into the durable outbox (``OutboxStore``); the outbox sender (`TandemApp`)
/// delivers it. Every entry gets its `Message-ID` here, once: `<outbox id>@<mail.from's domain>`,
/// the same on every delivery attempt.
///
/// Without `mail.smtpURL` nothing is delivered: entries stay `pending` (a server configured
/// later sends them), and in development mode each message is also logged with its text, so a
/// developer can follow a sign-up link without a mail server.
public struct Mailer: Sendable {
    let store: any TandemStore
    let settings: TandemConfiguration.Mail
    let templates: MailTemplates
    let clock: any TandemClock
    let logger: Logger
    let logsMessages: Bool
    /// `mail.publicURL`, or the bound address, without a trailing slash.
    public let publicURL: String
    let ids = IdentifierGenerator()

    public init(
        configuration: TandemConfiguration, store: any TandemStore, clock: any TandemClock, logger: Logger,
        templates: MailTemplates = MailTemplates()
    ) {
        self.store = store
        self.settings = configuration.mail
        self.templates = templates
        self.clock = clock
        self.logger = logger
        self.logsMessages = !configuration.mail.sends && configuration.mode == .development
        let base =
            configuration.mail.publicURL.isEmpty
            ? "http://\(configuration.http.host):\(configuration.http.port)" : configuration.mail.publicURL
        self.publicURL = base.hasSuffix("/") ? String(base.dropLast()) : base
    }

    /// A link into the web client: `path` starts with `/`.
    public func link(_ path: String) -> String { publicURL + path }

    /// The domain of `mail.from`, which names message ids.
    var domain: String { settings.from.split(separator: "@").last.map(String.init) ?? "localhost" }

    /// The `Message-ID` that heads a ticket's e-mail thread: the "ticket received" message has
    /// it, every later message about the ticket answers it (`In-Reply-To`, `References`).
    public func threadID(of ticket: TicketID) -> String { "ticket.\(ticket.rawValue)@\(domain)" }

    /// The template of `kind`: an admin's (``MailSettingsStore``), else the built-in one.
    public func template(_ kind: MailKind) async throws -> MailTemplate {
        try await store.mailTemplate(kind: kind.rawValue) ?? templates[kind]
    }

    /// Renders `kind`'s template with `values` for `to` and puts it in the outbox. `messageID`
    /// (without brackets) replaces the entry's own (`<outbox id>@<domain>`).
    @discardableResult
    public func send(
        _ kind: MailKind, to: MailAddress, values: [String: String], messageID: String? = nil, inReplyTo: String? = nil,
        references: [String] = [], autoSubmitted: String? = "auto-generated"
    ) async throws -> OutboxEntry {
        var values = values
        values["product"] = values["product"] ?? settings.fromName
        let rendered = try await template(kind).render(values)
        let now = clock.now()
        let id: OutboxID = ids.make("mail", at: UInt64(now.millisecondsSince1970))
        let message = MailMessage(
            from: MailAddress(settings.from, name: settings.fromName.isEmpty ? nil : settings.fromName), to: to,
            subject: rendered.subject, text: rendered.text, html: rendered.html,
            messageID: messageID ?? "\(id.rawValue)@\(domain)",
            inReplyTo: inReplyTo, references: references, autoSubmitted: autoSubmitted)
        let entry = OutboxEntry(id: id, kind: kind.rawValue, message: message, createdAt: now)
        try await store.enqueueMail(entry)
        if logsMessages {
            logger.notice(
                "mail kept in the outbox (mail.smtpURL is not set)",
                metadata: ["mail": "\(id)", "to": "\(to.address)", "subject": "\(rendered.subject)", "text": "\(rendered.text)"])
        } else {
            logger.debug("mail queued", metadata: ["mail": "\(id)", "kind": "\(kind.rawValue)"])
        }
        return entry
    }
}
