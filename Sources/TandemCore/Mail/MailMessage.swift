// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A mailbox: an address and an optional display name (any Unicode; encoded on the wire).
public struct MailAddress: Codable, Sendable, Hashable {
    public var address: String
    public var name: String?

    public init(_ address: String, name: String? = nil) {
        self.address = address
        self.name = name
    }
}

/// One outgoing e-mail, as Tandem means it: who, what, and the headers that thread it.
/// MIME is made from it at delivery (`TandemMail`'s `MIMEComposer`), so a stored message
/// stays readable and small.
///
/// `messageID` is fixed when the message is made and is the same on every delivery
/// attempt: a receiver that got it twice can tell (docs/EMAIL.md, "Sent once").
public struct MailMessage: Codable, Sendable, Hashable {
    public var from: MailAddress
    public var to: MailAddress
    /// Where replies go, when not to `from`.
    public var replyTo: String?
    public var subject: String
    /// The plain-text part (always present).
    public var text: String
    /// The HTML part; with it the message is multipart/alternative.
    public var html: String?
    /// `Message-ID` without angle brackets: `local@host`.
    public var messageID: String
    /// The message this one answers (`In-Reply-To`), without angle brackets.
    public var inReplyTo: String?
    /// The thread so far, oldest first (`References`), without angle brackets.
    public var references: [String]
    /// `Auto-Submitted` (RFC 3834): `auto-generated` for notifications, so that
    /// auto-responders do not answer them.
    public var autoSubmitted: String?
    /// A URL for `List-Unsubscribe` (with one-click `List-Unsubscribe-Post` when https).
    public var listUnsubscribe: String?

    public init(
        from: MailAddress, to: MailAddress, subject: String, text: String, html: String? = nil, messageID: String,
        replyTo: String? = nil, inReplyTo: String? = nil, references: [String] = [], autoSubmitted: String? = nil,
        listUnsubscribe: String? = nil
    ) {
        self.from = from
        self.to = to
        self.replyTo = replyTo
        self.subject = subject
        self.text = text
        self.html = html
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.autoSubmitted = autoSubmitted
        self.listUnsubscribe = listUnsubscribe
    }
}
