// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import TandemCore
import TandemMail
import TandemTestSupport
import Testing

/// ``SMTPClient`` against a real SMTP server (aiosmtpd, `scripts/smtp-sink.py`): what arrives is
/// read back by Python's e-mail parser, not by Tandem.
@Suite(.enabled(if: SMTPSink.enabled)) struct SMTPClientTests {
    static let logger = Logger(label: "tandem.tests.mail") { _ in SwiftLogNoOpLogHandler() }

    func settings(tls: SMTPTLSMode = .none, credentials: Bool = false) throws -> SMTPSettings {
        SMTPSettings(
            url: try SMTPSink.requireURL(), username: credentials ? SMTPSink.username : nil,
            password: credentials ? SMTPSink.password : nil, tls: tls, caFile: SMTPSink.caFile,
            connectTimeout: .seconds(10), timeout: .seconds(30))
    }

    func message(to: String, subject: String = "Hello") -> MailMessage {
        MailMessage(
            from: MailAddress("support@tandem.example", name: "Tandem Support"), to: MailAddress(to, name: "Zoë Ågren"),
            subject: subject, text: "Plain text, ünïcödé ✓\nsecond line", html: "<p>HTML, ünïcödé ✓</p>",
            messageID: "\(UUID().uuidString.lowercased())@tandem.example")
    }

    func withClient(_ settings: SMTPSettings, _ body: (SMTPClient) async throws -> Void) async throws {
        let client = SMTPClient(settings, logger: Self.logger)
        do { try await body(client) } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    @Test func aMessageArrivesAsMultipartAlternativeWithEncodedHeaders() async throws {
        let to = SMTPSink.uniqueAddress("plain")
        var sent = message(to: to, subject: "Grüße — Ihre Anfrage #42 ist eingegangen, and a subject long enough to be folded")
        sent.inReplyTo = "first.1@tandem.example"
        sent.references = ["first.1@tandem.example", "second.2@tandem.example"]
        sent.autoSubmitted = "auto-generated"
        sent.listUnsubscribe = "https://tandem.example/unsubscribe?t=abc"
        try await withClient(settings()) { client in
            try await client.send(sent, at: Timestamp(millisecondsSince1970: 1_765_000_000_000))
        }
        let received = try #require(try await SMTPSink.waitForMessages(to: to).first)
        let parsed = received.parsed
        #expect(parsed.defects.isEmpty)
        #expect(received.mailFrom == "support@tandem.example")
        #expect(parsed.contentType == "multipart/alternative")
        #expect(parsed.header("Subject") == sent.subject)
        #expect(parsed.header("To") == "Zoë Ågren <\(to)>")
        #expect(parsed.header("From") == "Tandem Support <support@tandem.example>")
        #expect(parsed.header("Message-ID") == "<\(sent.messageID)>")
        #expect(parsed.header("In-Reply-To") == "<first.1@tandem.example>")
        #expect(parsed.header("References") == "<first.1@tandem.example> <second.2@tandem.example>")
        #expect(parsed.header("Auto-Submitted") == "auto-generated")
        #expect(parsed.header("List-Unsubscribe") == "<https://tandem.example/unsubscribe?t=abc>")
        #expect(parsed.header("List-Unsubscribe-Post") == "List-Unsubscribe=One-Click")
        #expect(parsed.header("Date") == "Sat, 06 Dec 2025 05:46:40 +0000")
        #expect(parsed.text?.replacingOccurrences(of: "\r\n", with: "\n").hasPrefix(sent.text) == true)
        #expect(parsed.html?.contains("<p>HTML, ünïcödé ✓</p>") == true)
        // Nothing non-ASCII travels raw in the headers.
        let head = received.data.components(separatedBy: "\r\n\r\n")[0]
        #expect(head.allSatisfy { $0.isASCII })
    }

    @Test func aTextOnlyMessageIsTextPlain() async throws {
        let to = SMTPSink.uniqueAddress("textonly")
        var sent = message(to: to)
        sent.html = nil
        try await withClient(settings()) { client in try await client.send(sent, at: Timestamp(millisecondsSince1970: 0)) }
        let received = try #require(try await SMTPSink.waitForMessages(to: to).first)
        #expect(received.parsed.contentType == "text/plain")
        #expect(received.parsed.html == nil)
    }

    @Test func requiredSTARTTLSAndAUTHAreUsed() async throws {
        let to = SMTPSink.uniqueAddress("tls")
        try await withClient(settings(tls: .required, credentials: true)) { client in
            try await client.send(message(to: to), at: Timestamp(millisecondsSince1970: 0))
        }
        let received = try #require(try await SMTPSink.waitForMessages(to: to).first)
        #expect(received.tls)
        #expect(received.authenticated == SMTPSink.username)
    }

    @Test func opportunisticTLSUpgradesWhenOffered() async throws {
        let to = SMTPSink.uniqueAddress("opportunistic")
        try await withClient(settings(tls: .opportunistic)) { client in
            try await client.send(message(to: to), at: Timestamp(millisecondsSince1970: 0))
        }
        #expect(try await SMTPSink.waitForMessages(to: to).first?.tls == true)
    }

    @Test func wrongCredentialsAreATypedAuthenticationError() async throws {
        var wrong = try settings(credentials: true)
        wrong.password = "not-the-password"
        let to = SMTPSink.uniqueAddress("badauth")
        try await withClient(wrong) { client in
            let error = await #expect(throws: MailError.self) {
                try await client.send(message(to: to), at: Timestamp(millisecondsSince1970: 0))
            }
            #expect(error?.kind == .authenticationFailed)
            #expect(error?.isPermanent == false)
        }
        #expect(try SMTPSink.messages(to: to).isEmpty)
    }

    @Test func aCertificateThatIsNotTrustedFailsTLS() async throws {
        var untrusted = try settings(tls: .required)
        untrusted.caFile = nil  // the sink's certificate is self-signed
        try await withClient(untrusted) { client in
            let error = await #expect(throws: MailError.self) {
                try await client.send(message(to: SMTPSink.uniqueAddress("untrusted")), at: Timestamp(millisecondsSince1970: 0))
            }
            #expect(error?.kind == .tls)
        }
    }

    @Test func refusedRecipientsArePermanentAndDeferredOnesAreNot() async throws {
        try await withClient(settings()) { client in
            let rejected = await #expect(throws: MailError.self) {
                try await client.send(message(to: SMTPSink.uniqueAddress("reject-me")), at: Timestamp(millisecondsSince1970: 0))
            }
            #expect(rejected?.kind == .rejected)
            #expect(rejected?.smtpCode == 550)
            #expect(rejected?.isPermanent == true)
            let deferred = await #expect(throws: MailError.self) {
                try await client.send(message(to: SMTPSink.uniqueAddress("defer-me")), at: Timestamp(millisecondsSince1970: 0))
            }
            #expect(deferred?.kind == .deferred)
            #expect(deferred?.smtpCode == 451)
            #expect(deferred?.isPermanent == false)
        }
    }

    @Test func aServerThatIsNotThereIsAConnectionFailure() async throws {
        let closed = SMTPSettings(url: "smtp://127.0.0.1:1", tls: .none, connectTimeout: .seconds(5), timeout: .seconds(5))
        try await withClient(closed) { client in
            let error = await #expect(throws: MailError.self) {
                try await client.send(message(to: "nobody@example.com"), at: Timestamp(millisecondsSince1970: 0))
            }
            #expect(error?.kind == .connectionFailed)
        }
    }

    @Test func headerInjectionIsRefusedBeforeAnythingIsSent() async throws {
        let to = SMTPSink.uniqueAddress("inject")
        var bad = message(to: to)
        bad.to.name = "Eve\r\nBcc: victim@example.com"
        try await withClient(settings()) { client in
            let error = await #expect(throws: MailError.self) {
                try await client.send(bad, at: Timestamp(millisecondsSince1970: 0))
            }
            #expect(error?.kind == .invalidMessage)
            var badAddress = message(to: to)
            badAddress.to.address = "x@example.com>\r\nRCPT TO:<victim@example.com"
            let second = await #expect(throws: MailError.self) {
                try await client.send(badAddress, at: Timestamp(millisecondsSince1970: 0))
            }
            #expect(second?.kind == .invalidMessage)
        }
        #expect(try SMTPSink.messages(to: to).isEmpty)
        // A subject with a line break (a ticket title is the user's text) is cleaned, not refused.
        var title = message(to: to, subject: "Line one\r\nBcc: victim@example.com")
        title.html = nil
        try await withClient(settings()) { client in try await client.send(title, at: Timestamp(millisecondsSince1970: 0)) }
        let received = try #require(try await SMTPSink.waitForMessages(to: to).first)
        #expect(received.parsed.header("Bcc") == nil)
        #expect(received.parsed.header("Subject") == "Line one  Bcc: victim@example.com")
    }
}
