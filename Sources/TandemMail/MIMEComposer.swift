// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CGMime
import TandemCore

/// Turns a ``MailMessage`` into RFC 5322 text with GMime: multipart/alternative (text, then
/// HTML) or text only; RFC 2047 encoded words for non-ASCII names and subjects; each part
/// 7bit, quoted-printable or base64, whichever GMime finds best; CRLF line endings.
///
/// Header values are checked first: a line break, NUL or other control character in a header
/// value is ``MailError/Kind/invalidMessage``, never passed on (header injection). Subjects are
/// the exception that is cleaned instead (a ticket title is the user's text): control
/// characters become spaces.
public enum MIMEComposer {
    /// The message's text; `date` is its `Date` header.
    public static func compose(_ message: MailMessage, date: Timestamp) throws(MailError) -> [UInt8] {
        _ = MailDriver.initialized
        try check(message)
        let arena = CStringArena()
        var raw = tandem_mime_message()
        raw.from_name = arena.copy(message.from.name)
        raw.from_address = arena.copy(message.from.address)
        raw.to_name = arena.copy(message.to.name)
        raw.to_address = arena.copy(message.to.address)
        raw.reply_to = arena.copy(message.replyTo)
        raw.subject = arena.copy(cleanSubject(message.subject))
        raw.message_id = arena.copy(message.messageID)
        raw.in_reply_to = arena.copy(message.inReplyTo.map { "<\($0)>" })
        raw.references = arena.copy(
            message.references.isEmpty ? nil : message.references.map { "<\($0)>" }.joined(separator: " "))
        raw.auto_submitted = arena.copy(message.autoSubmitted)
        raw.list_unsubscribe = arena.copy(message.listUnsubscribe.map { "<\($0)>" })
        raw.list_unsubscribe_post = message.listUnsubscribe?.hasPrefix("https://") == true ? 1 : 0
        raw.date = date.millisecondsSince1970 / 1000
        raw.text = arena.copy(message.text)
        raw.html = arena.copy(message.html)
        var length = 0
        guard let composed = tandem_mime_compose(&raw, &length) else {
            throw MailError(.invalidMessage, "GMime could not compose the message")
        }
        defer { tandem_mime_free(composed) }
        return composed.withMemoryRebound(to: UInt8.self, capacity: length) {
            Array(UnsafeBufferPointer(start: $0, count: length))
        }
    }

    /// Refuses header values that could end a header line or are not addresses / message ids.
    static func check(_ message: MailMessage) throws(MailError) {
        try address(message.from.address, "from")
        try address(message.to.address, "to")
        if let replyTo = message.replyTo { try address(replyTo, "replyTo") }
        try headerText(message.from.name, "from name")
        try headerText(message.to.name, "to name")
        try messageID(message.messageID, "messageID")
        if let inReplyTo = message.inReplyTo { try messageID(inReplyTo, "inReplyTo") }
        for reference in message.references { try messageID(reference, "references") }
        try headerText(message.autoSubmitted, "autoSubmitted")
        if let url = message.listUnsubscribe {
            try headerText(url, "listUnsubscribe")
            guard !url.contains(where: { $0 == "<" || $0 == ">" || $0 == " " }) else {
                throw MailError(.invalidMessage, "listUnsubscribe must be one URL")
            }
        }
        guard !message.text.unicodeScalars.contains("\0"), !(message.html?.unicodeScalars.contains("\0") ?? false) else {
            throw MailError(.invalidMessage, "a body holds a NUL character")
        }
    }

    /// `local@domain` with no space, angle bracket, quote, comma or control character.
    static func address(_ value: String, _ field: String) throws(MailError) {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        let forbidden: Set<Character> = ["<", ">", " ", "\"", ",", ";", "(", ")", "\\"]
        guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty, value.utf8.count <= 254,
            !value.contains(where: { forbidden.contains($0) }), !hasControl(value)
        else { throw MailError(.invalidMessage, "\(field) is not an e-mail address: \(value.debugDescription)") }
    }

    static func messageID(_ value: String, _ field: String) throws(MailError) {
        guard value.utf8.count <= 250, value.contains("@"), value.allSatisfy({ $0.isASCII }),
            !value.contains(where: { $0 == "<" || $0 == ">" || $0 == " " }), !hasControl(value)
        else { throw MailError(.invalidMessage, "\(field) is not a message id: \(value.debugDescription)") }
    }

    static func headerText(_ value: String?, _ field: String) throws(MailError) {
        guard let value else { return }
        guard !hasControl(value) else { throw MailError(.invalidMessage, "\(field) holds a line break or control character") }
    }

    static func cleanSubject(_ subject: String) -> String {
        String(String.UnicodeScalarView(subject.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    static func hasControl(_ value: String) -> Bool { value.unicodeScalars.contains(where: isControl) }

    static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value) || scalar == "\u{2028}"
            || scalar == "\u{2029}"
    }
}
