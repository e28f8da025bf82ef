// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HummingbirdTesting
import TandemCore
import TandemStore
import TandemTestSupport
import Testing

@testable import TandemServer

/// Notifications as e-mail (issue 16, point 1), over real sockets to the real SMTP server: what
/// each person receives, threaded per ticket, by their preference, with the admins' templates.
@Suite(.enabled(if: SMTPSink.enabled)) struct NotificationMailTests {
    static func environment() async throws -> TestEnvironment {
        try await SignUpConfirmationTests.environment()
    }

    @Test func requesterAndStaffGetTheirMessagesThreadedPerTicket() async throws {
        let env = try await Self.environment()
        let customer = try await env.user(SMTPSink.uniqueAddress("requester"), name: "Zoë Requester")
        let agent = try await env.user(SMTPSink.uniqueAddress("agent"), role: .agent, name: "Ada Agent")
        let colleague = try await env.user(SMTPSink.uniqueAddress("colleague"), role: .agent, name: "Bo Colleague")
        let quiet = try await env.user(SMTPSink.uniqueAddress("quiet"), role: .agent, name: "Cy Quiet")
        try await env.store.setMailPreference(.off, of: quiet.id)
        try await env.run { api in
            let mine = try await api.login(customer.email)
            let staff = try await api.login(agent.email)
            let created = try await api.post(
                "/api/v1/tickets", ["subject": "Printer on fire", "description": "It smells."], bearer: mine.accessToken)
            #expect(created.status == .created, "\(created.bodyText)")
            let ticket = try #require(try created.json()["id"] as? String)
            let thread = "<ticket.\(ticket)@tandem.example>"

            let received = try #require(try await SMTPSink.waitForMessages(to: customer.email).first)
            #expect(received.parsed.header("Subject") == "[Tandem] Printer on fire")
            #expect(received.parsed.header("Message-ID") == thread)
            #expect(received.parsed.text?.contains("https://help.tandem.example/portal/tickets/\(ticket)") == true)

            // Internal work mentioning the requester and two colleagues, then a public reply, assignment, solved.
            let note = try await api.post(
                "/api/v1/tickets/\(ticket)/comments",
                [
                    "body": "INTERNAL-ONLY-4711 check the fuser", "visibility": "internal",
                    "mentions": [customer.id.rawValue, colleague.id.rawValue, quiet.id.rawValue],
                ], bearer: staff.accessToken)
            #expect(note.status == .created, "\(note.bodyText)")
            let reply = try await api.post(
                "/api/v1/tickets/\(ticket)/comments", ["body": "We sent <b>an extinguisher</b>.", "visibility": "public"],
                bearer: staff.accessToken)
            #expect(reply.status == .created, "\(reply.bodyText)")
            let assigned = try await api.patch(
                "/api/v1/tickets/\(ticket)", ["assignee": colleague.id.rawValue], bearer: staff.accessToken)
            #expect(assigned.status == .ok, "\(assigned.bodyText)")
            let solved = try await api.patch("/api/v1/tickets/\(ticket)", ["status": "solved"], bearer: staff.accessToken)
            #expect(solved.status == .ok, "\(solved.bodyText)")

            // The requester: received, the reply (its text, escaped in HTML), solved — all in one thread.
            let toCustomer = try await SMTPSink.waitForMessages(to: customer.email, count: 3)
            #expect(toCustomer.count == 3)
            // (Messages due together are sent concurrently: their order on the wire is not theirs in time.)
            let subjects = Set(toCustomer.compactMap { $0.parsed.header("Subject") })
            #expect(
                subjects == ["[Tandem] Printer on fire", "Re: [Tandem] Printer on fire", "Re: [Tandem] Printer on fire (solved)"])
            for message in toCustomer where message.parsed.header("Message-ID") != thread {
                #expect(message.parsed.header("In-Reply-To") == thread)
                #expect(message.parsed.header("References") == thread)
                #expect(message.parsed.header("Auto-Submitted") == "auto-generated")
            }
            let replyMail = try #require(toCustomer.first { $0.parsed.header("Subject") == "Re: [Tandem] Printer on fire" })
            #expect(replyMail.parsed.text?.contains("We sent <b>an extinguisher</b>.") == true)
            #expect(replyMail.parsed.html?.contains("We sent &lt;b&gt;an extinguisher&lt;/b&gt;.") == true)
            #expect(replyMail.parsed.text?.contains("Ada Agent replied") == true)
            #expect(
                toCustomer.allSatisfy {
                    !$0.data.contains("INTERNAL-ONLY-4711") && $0.parsed.text?.contains("INTERNAL-ONLY-4711") != true
                })

            // The colleague: the internal mention (they may read it) and the assignment, in the same thread.
            let toColleague = try await SMTPSink.waitForMessages(to: colleague.email, count: 2)
            let mention = try #require(toColleague.first { $0.parsed.header("Subject")?.contains("mentioned you") == true })
            #expect(mention.parsed.text?.contains("INTERNAL-ONLY-4711 check the fuser") == true)
            #expect(mention.parsed.text?.contains("an internal note") == true)
            #expect(mention.parsed.text?.contains("https://help.tandem.example/tickets/\(ticket)") == true)
            #expect(toColleague.contains { $0.parsed.header("Subject") == "Re: [Tandem] Printer on fire (assigned to you)" })
            #expect(toColleague.allSatisfy { $0.parsed.header("In-Reply-To") == thread })
            // Nobody is mailed about their own work, and "off" means off.
            #expect(try SMTPSink.messages(to: agent.email).isEmpty)
            #expect(try SMTPSink.messages(to: quiet.email).isEmpty)
            #expect(try await env.outbox(to: quiet.email).isEmpty)
        }
    }

    @Test func preferenceIsTheCallersOwnAndTyped() async throws {
        let env = try await Self.environment()
        let customer = try await env.user(SMTPSink.uniqueAddress("prefs"))
        try await env.run { api in
            let session = try await api.login(customer.email)
            let initial = try await api.get("/api/v1/mail/preference", bearer: session.accessToken)
            #expect(try initial.json()["notifications"] as? String == "immediately")
            let set = try await api.put("/api/v1/mail/preference", ["notifications": "digest"], bearer: session.accessToken)
            #expect(set.status == .ok, "\(set.bodyText)")
            #expect(try await env.store.mailPreference(of: customer.id) == .digest)
            expectError(
                try await api.put("/api/v1/mail/preference", ["notifications": "sometimes"], bearer: session.accessToken),
                .unprocessableContent, "invalid_enum", field: "notifications")
            // With "digest" nothing is sent now (the job engine will send digests).
            let created = try await api.post(
                "/api/v1/tickets", ["subject": "Quiet please", "description": "x"], bearer: session.accessToken)
            #expect(created.status == .created)
            #expect(try await env.outbox(to: customer.email).isEmpty)
        }
    }

    @Test func adminsChangeTemplatesAndOthersCannot() async throws {
        let env = try await Self.environment()
        try await env.user("root@example.com", role: .admin)
        let customer = try await env.user(SMTPSink.uniqueAddress("templated"))
        try await env.run { api in
            let admin = try await api.login("root@example.com")
            let listed = try await api.get("/api/v1/mail/templates", bearer: admin.accessToken)
            let items = try #require(try listed.json()["items"] as? [[String: Any]])
            #expect(Set(items.compactMap { $0["kind"] as? String }) == Set(MailKind.allCases.map(\.rawValue)))
            #expect(items.allSatisfy { $0["custom"] as? Bool == false })
            let changed = try await api.put(
                "/api/v1/mail/templates/ticket.received",
                ["subject": "We got it: {{subject}}", "text": "Dear {{name}}, thanks. {{link}}", "html": "<p>Dear {{name}}</p>"],
                bearer: admin.accessToken)
            #expect(changed.status == .ok, "\(changed.bodyText)")
            #expect(try changed.json()["custom"] as? Bool == true)
            expectError(
                try await api.put(
                    "/api/v1/mail/templates/ticket.received", ["subject": " ", "text": "x", "html": "y"],
                    bearer: admin.accessToken),
                .unprocessableContent, "required", field: "subject")
            expectError(
                try await api.put(
                    "/api/v1/mail/templates/nope", ["subject": "s", "text": "x", "html": "y"], bearer: admin.accessToken),
                .notFound, "not_found")

            let session = try await api.login(customer.email)
            expectError(try await api.get("/api/v1/mail/templates", bearer: session.accessToken), .forbidden, "forbidden")
            let created = try await api.post(
                "/api/v1/tickets", ["subject": "Invoice <missing>", "description": "x"], bearer: session.accessToken)
            #expect(created.status == .created)
            let mail = try #require(try await SMTPSink.waitForMessages(to: customer.email).first)
            #expect(mail.parsed.header("Subject") == "We got it: Invoice <missing>")
            #expect(mail.parsed.text?.hasPrefix("Dear \(customer.name), thanks.") == true)

            let reset = try await api.delete("/api/v1/mail/templates/ticket.received", bearer: admin.accessToken)
            #expect(try reset.json()["custom"] as? Bool == false)
            #expect(try await env.store.mailTemplate(kind: "ticket.received") == nil)
        }
    }

    /// Without an SMTP server: development keeps (and logs) the message; production queues none,
    /// since nothing would ever send it.
    @Test(arguments: [RunMode.development, .production])
    func withoutASMTPServer(mode: RunMode) async throws {
        let env = try await TestEnvironment.make { $0.mode = mode }
        let customer = try await env.user("nomail@example.com")
        try await env.run { api in
            let session = try await api.login(customer.email)
            let created = try await api.post(
                "/api/v1/tickets", ["subject": "No mail server", "description": "x"], bearer: session.accessToken)
            #expect(created.status == .created)
            let queued = try await env.outbox(to: customer.email)
            #expect(queued.count == (mode == .development ? 1 : 0))
            #expect(queued.allSatisfy { $0.state == .pending })
        }
    }
}
