// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import TandemApp
import TandemCore
import TandemMail
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

/// The outbox's delivery (``MailDelivery``: take a claimed entry, send it, record the outcome)
/// against the real SMTP server, with the clock in the test's hands.
@Suite(.enabled(if: SMTPSink.enabled)) struct MailDeliveryTests {
    static let logger = Logger(label: "tandem.tests.mail") { _ in SwiftLogNoOpLogHandler() }
    static let retry = MailRetryPolicy(maxAttempts: 3, baseSeconds: 30, maximumSeconds: 3600)

    struct Fixture {
        let store: SQLiteStore
        let clock = TestClock(start: Timestamp(millisecondsSince1970: 1_800_000_000_000))
        let smtp: SMTPClient

        init() throws {
            store = try SQLiteStore.temporary(logger: MailDeliveryTests.logger)
            smtp = SMTPClient(SMTPSettings(url: try SMTPSink.requireURL(), tls: .none), logger: MailDeliveryTests.logger)
        }

        func delivery(_ store: (any OutboxStore)? = nil) -> MailDelivery {
            MailDelivery(
                store: store ?? self.store, transport: smtp, retry: MailDeliveryTests.retry, clock: clock,
                logger: MailDeliveryTests.logger)
        }

        func enqueue(to address: String) async throws -> OutboxEntry {
            let id = OutboxID("mail_\(UUID().uuidString.lowercased())")
            let entry = OutboxEntry(
                id: id, kind: "test",
                message: MailMessage(
                    from: MailAddress("help@tandem.example"), to: MailAddress(address), subject: "Test", text: "Body",
                    messageID: "\(id.rawValue)@tandem.example"),
                createdAt: clock.now())
            try await store.enqueueMail(entry)
            return entry
        }

        /// Claims what is due now (with a one-minute claim) and delivers it.
        func runOnce(_ delivery: MailDelivery) async throws -> [OutboxOutcome] {
            let now = clock.now()
            var outcomes: [OutboxOutcome] = []
            for entry in try await store.claimDueMail(now: now, leaseUntil: now.adding(seconds: 60), limit: 10) {
                outcomes.append(await delivery.deliver(entry))
            }
            return outcomes
        }

        func close() async throws {
            await smtp.shutdown()
            try await store.close()
        }
    }

    static func withFixture(_ body: (Fixture) async throws -> Void) async throws {
        let fixture = try Fixture()
        try await fixture.store.migrate()
        do { try await body(fixture) } catch {
            try? await fixture.close()
            throw error
        }
        try await fixture.close()
    }

    @Test func aTakenMessageIsRecordedSent() async throws {
        try await Self.withFixture { fixture in
            let to = SMTPSink.uniqueAddress("sent")
            let entry = try await fixture.enqueue(to: to)
            #expect(try await fixture.runOnce(fixture.delivery()) == [.sent])
            let stored = try #require(try await fixture.store.mail(id: entry.id))
            #expect(stored.state == .sent)
            #expect(stored.attempts == 1)
            #expect(stored.sentAt == fixture.clock.now())
            let received = try await SMTPSink.waitForMessages(to: to)
            #expect(received.count == 1)
            #expect(received[0].parsed.header("Message-ID") == "<\(entry.message.messageID)>")
            #expect(try await fixture.runOnce(fixture.delivery()).isEmpty)
        }
    }

    @Test func aDeferredMessageIsRetriedWithExponentialBackoffThenGivenUp() async throws {
        try await Self.withFixture { fixture in
            let entry = try await fixture.enqueue(to: SMTPSink.uniqueAddress("defer-me"))
            let delivery = fixture.delivery()
            let start = fixture.clock.now()
            // Attempt 1: 451, next in 30 s.
            #expect(try await fixture.runOnce(delivery).count == 1)
            var stored = try #require(try await fixture.store.mail(id: entry.id))
            #expect(stored.state == .pending)
            #expect(stored.attempts == 1)
            #expect(stored.dueAt == start.adding(seconds: 30))
            #expect(stored.lastError?.contains("451") == true)
            // Not due before then.
            fixture.clock.advance(seconds: 29)
            #expect(try await fixture.runOnce(delivery).isEmpty)
            // Attempt 2: the wait doubles.
            fixture.clock.advance(seconds: 1)
            #expect(try await fixture.runOnce(delivery).count == 1)
            stored = try #require(try await fixture.store.mail(id: entry.id))
            #expect(stored.attempts == 2)
            #expect(stored.dueAt == start.adding(seconds: 30 + 60))
            // Attempt 3 is the last (maxAttempts 3): given up, kept for an admin.
            fixture.clock.advance(seconds: 60)
            #expect(try await fixture.runOnce(delivery).count == 1)
            stored = try #require(try await fixture.store.mail(id: entry.id))
            #expect(stored.state == .failed)
            #expect(stored.attempts == 3)
            #expect(stored.lastError?.contains("gave up after 3 attempts") == true)
            fixture.clock.advance(seconds: 86_400)
            #expect(try await fixture.runOnce(delivery).isEmpty)
        }
    }

    @Test func aRefusalForGoodFailsAtOnce() async throws {
        try await Self.withFixture { fixture in
            let entry = try await fixture.enqueue(to: SMTPSink.uniqueAddress("reject-me"))
            #expect(try await fixture.runOnce(fixture.delivery()).count == 1)
            let stored = try #require(try await fixture.store.mail(id: entry.id))
            #expect(stored.state == .failed)
            #expect(stored.attempts == 1)
            #expect(stored.lastError?.contains("550") == true)
        }
    }

    @Test func aServerThatIsDownIsRetried() async throws {
        try await Self.withFixture { fixture in
            let entry = try await fixture.enqueue(to: SMTPSink.uniqueAddress("down"))
            let down = SMTPClient(SMTPSettings(url: "smtp://127.0.0.1:1", tls: .none), logger: Self.logger)
            let delivery = MailDelivery(
                store: fixture.store, transport: down, retry: Self.retry, clock: fixture.clock, logger: Self.logger)
            #expect(try await fixture.runOnce(delivery).count == 1)
            await down.shutdown()
            let stored = try #require(try await fixture.store.mail(id: entry.id))
            #expect(stored.state == .pending)
            #expect(stored.lastError?.contains("connectionFailed") == true)
        }
    }

    /// The one duplicate the outbox allows (docs/EMAIL.md, "Sent once"): the server took the
    /// message but the process died before the outcome was written. The claim lapses, the entry
    /// is sent again — and both copies carry the same Message-ID, so the duplicate is detectable.
    @Test func aCrashBetweenAcceptanceAndRecordSendsAgainWithTheSameMessageID() async throws {
        try await Self.withFixture { fixture in
            let to = SMTPSink.uniqueAddress("crash")
            let entry = try await fixture.enqueue(to: to)
            let crashing = fixture.delivery(OutcomeLostStore(base: fixture.store))
            #expect(try await fixture.runOnce(crashing) == [.sent])
            #expect(try await fixture.store.mail(id: entry.id)?.state == .sending)
            // Within the claim nobody takes it; after it, the next sender does.
            #expect(try await fixture.runOnce(fixture.delivery()).isEmpty)
            fixture.clock.advance(seconds: 60)
            #expect(try await fixture.runOnce(fixture.delivery()) == [.sent])
            let stored = try #require(try await fixture.store.mail(id: entry.id))
            #expect(stored.state == .sent)
            #expect(stored.attempts == 2)
            let received = try await SMTPSink.waitForMessages(to: to, count: 2)
            #expect(received.count == 2)
            #expect(Set(received.map { $0.parsed.header("Message-ID") }) == ["<\(entry.message.messageID)>"])
        }
    }
}

/// A store that loses every outcome (as if the process died right after the SMTP server took
/// the message).
struct OutcomeLostStore: OutboxStore {
    let base: any OutboxStore
    struct Lost: Error {}

    func enqueueMail(_ entry: OutboxEntry) async throws { try await base.enqueueMail(entry) }
    func mail(id: OutboxID) async throws -> OutboxEntry? { try await base.mail(id: id) }
    func claimDueMail(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [OutboxEntry] {
        try await base.claimDueMail(now: now, leaseUntil: leaseUntil, limit: limit)
    }
    func recordMailOutcome(_ id: OutboxID, attempt: Int, outcome: OutboxOutcome, at: Timestamp) async throws -> Bool {
        throw Lost()
    }
    func outbox(state: OutboxState?, page: PageRequest) async throws -> Page<OutboxEntry> {
        try await base.outbox(state: state, page: page)
    }
}
