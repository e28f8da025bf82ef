// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

/// One behaviour of the mail outbox (``OutboxStore``) every store must have: run against SQLite
/// and MongoDB by their suites, like ``StoreConformanceCheck``.
enum OutboxConformanceCheck: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case roundTrip
    case claimsTakeDueEntriesOnce
    case lapsedClaimsAreTakenAgain
    case concurrentClaimsDoNotOverlap
    case outcomesAreFencedByAttempt
    case listing
    case preferencesAndTemplates

    var testDescription: String { rawValue }

    func run(_ factory: ConformanceStoreFactory) async throws {
        try await StoreConformance.withStore(factory) { store in
            switch self {
            case .roundTrip: try await OutboxConformance.roundTrip(store)
            case .claimsTakeDueEntriesOnce: try await OutboxConformance.claimsTakeDueEntriesOnce(store)
            case .lapsedClaimsAreTakenAgain: try await OutboxConformance.lapsedClaimsAreTakenAgain(store)
            case .concurrentClaimsDoNotOverlap: try await OutboxConformance.concurrentClaimsDoNotOverlap(store)
            case .outcomesAreFencedByAttempt: try await OutboxConformance.outcomesAreFencedByAttempt(store)
            case .listing: try await OutboxConformance.listing(store)
            case .preferencesAndTemplates: try await OutboxConformance.preferencesAndTemplates(store)
            }
        }
    }
}

enum OutboxConformance {
    static let start = Timestamp(millisecondsSince1970: 1_800_000_000_000)

    static func at(_ seconds: Int64) -> Timestamp { start.adding(seconds: seconds) }

    static func entry(_ number: Int, dueIn seconds: Int64 = 0) -> OutboxEntry {
        let message = MailMessage(
            from: MailAddress("support@tandem.example", name: "Tandem"),
            to: MailAddress("zoë\(number)@example.com", name: "Zoë Ågren 東京"),
            subject: "Grüße #\(number) 😀", text: "Text e\u{301}", html: "<p>HTML</p>", messageID: "m\(number).x@tandem.example",
            inReplyTo: "parent@tandem.example", references: ["root@tandem.example", "parent@tandem.example"],
            autoSubmitted: "auto-generated", listUnsubscribe: "https://tandem.example/u?t=\(number)")
        var entry = OutboxEntry(
            id: OutboxID("mail_" + String(String(number + 10_000).dropFirst())), kind: "test.kind", message: message,
            createdAt: at(0))
        entry.dueAt = at(seconds)
        return entry
    }

    static func roundTrip(_ store: any TandemStore) async throws {
        let first = entry(1)
        try await store.enqueueMail(first)
        let read = try #require(try await store.mail(id: first.id))
        #expect(read == first)
        #expect(read.message.to.name?.unicodeScalars.elementsEqual(first.message.to.name!.unicodeScalars) == true)
        #expect(read.message.text.unicodeScalars.elementsEqual(first.message.text.unicodeScalars))
        #expect(try await store.mail(id: OutboxID("mail_missing")) == nil)
        await #expect(throws: StoreError.duplicate(kind: "mail", field: "id")) { try await store.enqueueMail(first) }
    }

    static func claimsTakeDueEntriesOnce(_ store: any TandemStore) async throws {
        try await store.enqueueMail(entry(1, dueIn: 20))
        try await store.enqueueMail(entry(2, dueIn: 10))
        try await store.enqueueMail(entry(3, dueIn: 0))
        try await store.enqueueMail(entry(4, dueIn: 100))
        #expect(try await store.claimDueMail(now: at(5), leaseUntil: at(65), limit: 0).isEmpty)
        let firstClaim = try await store.claimDueMail(now: at(30), leaseUntil: at(90), limit: 2)
        // Oldest due first, at most `limit`, each now sending with one attempt and the claim's end.
        #expect(firstClaim.map(\.id.rawValue) == ["mail_0003", "mail_0002"])
        #expect(firstClaim.allSatisfy { $0.state == .sending && $0.attempts == 1 && $0.dueAt == at(90) })
        #expect(try await store.mail(id: firstClaim[0].id) == firstClaim[0])
        let secondClaim = try await store.claimDueMail(now: at(30), leaseUntil: at(90), limit: 10)
        #expect(secondClaim.map(\.id.rawValue) == ["mail_0001"])
        #expect(try await store.claimDueMail(now: at(30), leaseUntil: at(90), limit: 10).isEmpty)
    }

    static func lapsedClaimsAreTakenAgain(_ store: any TandemStore) async throws {
        try await store.enqueueMail(entry(1))
        let claimed = try #require(try await store.claimDueMail(now: at(0), leaseUntil: at(60), limit: 5).first)
        #expect(try await store.claimDueMail(now: at(59), leaseUntil: at(120), limit: 5).isEmpty)
        // The sender died before recording anything: after the claim's end another one takes it.
        let again = try #require(try await store.claimDueMail(now: at(60), leaseUntil: at(120), limit: 5).first)
        #expect(again.id == claimed.id)
        #expect(again.attempts == 2)
        // The dead sender's late outcome is not recorded over the live claim.
        #expect(try await store.recordMailOutcome(claimed.id, attempt: 1, outcome: .sent, at: at(61)) == false)
        #expect(try await store.mail(id: claimed.id)?.state == .sending)
        #expect(try await store.recordMailOutcome(again.id, attempt: 2, outcome: .sent, at: at(62)) == true)
    }

    static func concurrentClaimsDoNotOverlap(_ store: any TandemStore) async throws {
        for number in 1...12 { try await store.enqueueMail(entry(number)) }
        let claims = try await withThrowingTaskGroup(of: [OutboxID].self) { group in
            for _ in 0..<4 {
                group.addTask { try await store.claimDueMail(now: at(1), leaseUntil: at(61), limit: 5).map(\.id) }
            }
            return try await group.reduce(into: [[OutboxID]]()) { $0.append($1) }
        }
        let all = claims.flatMap { $0 }
        #expect(all.count == 12)
        #expect(Set(all).count == all.count, "an entry was claimed twice: \(claims)")
    }

    static func outcomesAreFencedByAttempt(_ store: any TandemStore) async throws {
        for number in 1...3 { try await store.enqueueMail(entry(number)) }
        let claimed = try await store.claimDueMail(now: at(0), leaseUntil: at(60), limit: 3)
        #expect(claimed.count == 3)
        #expect(try await store.recordMailOutcome(claimed[0].id, attempt: 2, outcome: .sent, at: at(1)) == false)
        #expect(try await store.recordMailOutcome(claimed[0].id, attempt: 1, outcome: .sent, at: at(1)) == true)
        #expect(try await store.recordMailOutcome(claimed[0].id, attempt: 1, outcome: .sent, at: at(2)) == false)
        let sent = try #require(try await store.mail(id: claimed[0].id))
        #expect(sent.state == .sent)
        #expect(sent.sentAt == at(1))
        #expect(
            try await store.recordMailOutcome(
                claimed[1].id, attempt: 1, outcome: .retry(at: at(30), error: "451 later"), at: at(1)))
        let retried = try #require(try await store.mail(id: claimed[1].id))
        #expect(retried.state == .pending)
        #expect(retried.dueAt == at(30))
        #expect(retried.lastError == "451 later")
        #expect(try await store.recordMailOutcome(claimed[2].id, attempt: 1, outcome: .failed(error: "550 no"), at: at(1)))
        #expect(try await store.mail(id: claimed[2].id)?.state == .failed)
        // Sent and failed entries are never claimed again; the retried one is, when due.
        #expect(try await store.claimDueMail(now: at(29), leaseUntil: at(200), limit: 10).isEmpty)
        let next = try await store.claimDueMail(now: at(30), leaseUntil: at(200), limit: 10)
        #expect(next.map(\.id) == [claimed[1].id])
        #expect(next.first?.attempts == 2)
    }

    static func listing(_ store: any TandemStore) async throws {
        for number in 1...5 { try await store.enqueueMail(entry(number)) }
        let claimed = try await store.claimDueMail(now: at(0), leaseUntil: at(60), limit: 2)
        try await store.recordMailOutcome(claimed[0].id, attempt: 1, outcome: .failed(error: "no"), at: at(1))
        var ids: [String] = []
        var page = PageRequest(limit: 2)
        while true {
            let listed = try await store.outbox(state: nil, page: page)
            ids += listed.items.map(\.id.rawValue)
            guard let next = listed.nextCursor else { break }
            page = PageRequest(after: next, limit: 2)
        }
        #expect(ids == ["mail_0005", "mail_0004", "mail_0003", "mail_0002", "mail_0001"])
        #expect(try await store.outbox(state: .failed, page: PageRequest()).items.map(\.id) == [claimed[0].id])
        #expect(try await store.outbox(state: .pending, page: PageRequest()).items.count == 3)
    }

    /// ``MailSettingsStore``: defaults, upserts, removal.
    static func preferencesAndTemplates(_ store: any TandemStore) async throws {
        let ada = UserID("usr_ada")
        #expect(try await store.mailPreference(of: ada) == .immediately)
        try await store.setMailPreference(.digest, of: ada)
        try await store.setMailPreference(.off, of: ada)
        #expect(try await store.mailPreference(of: ada) == .off)
        #expect(try await store.mailPreference(of: UserID("usr_bob")) == .immediately)
        #expect(try await store.mailTemplate(kind: "ticket.reply") == nil)
        let template = MailTemplate(subject: "Re: {{subject}} 😀", text: "Zoë e\u{301}", html: "<p>{{body}}</p>")
        try await store.setMailTemplate(template, kind: "ticket.reply")
        try await store.setMailTemplate(MailTemplate(subject: "x", text: "y", html: "z"), kind: "ticket.solved")
        try await store.setMailTemplate(template, kind: "ticket.solved")
        #expect(try await store.mailTemplate(kind: "ticket.reply") == template)
        #expect(try await store.mailTemplate(kind: "ticket.solved") == template)
        try await store.setMailTemplate(nil, kind: "ticket.reply")
        #expect(try await store.mailTemplate(kind: "ticket.reply") == nil)
        #expect(try await store.mailTemplate(kind: "ticket.solved") == template)
    }
}
