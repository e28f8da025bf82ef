// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemStore
import TandemStoreMongo
import Testing

/// Documents near MongoDB's 16 MiB limit.
extension MongoStoreTests {
    @Test func largeDocumentsUpToTheLimit() async throws {
        let store = try MongoTestEnvironment.temporaryStore()
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        try await store.createUser(ada)

        // A ~1 MB description (the largest a new ticket may have) and a ~4 MB one are
        // stored and read back exactly.
        for megabytes in [1, 4] {
            let text = String(repeating: "Ünïcödé 😀 東京 ", count: megabytes * 1_000_000 / 30)
            let ticket = fixtures.ticket(description: text, requester: ada.id)
            try await store.createTicket(ticket)
            let loaded = try #require(try await store.loadTicket(id: ticket.id))
            #expect(loaded.snapshot.description.scalars == ticket.description.scalars)
            #expect(
                try await store.listTickets(TicketFilter(query: "ünïcödé"), page: PageRequest()).items.contains {
                    $0.id == ticket.id
                })
        }

        // Over 16 MiB: a typed error, and nothing is written.
        let huge = fixtures.ticket(description: String(repeating: "x", count: 17 * 1024 * 1024), requester: ada.id)
        let error = await #expect(throws: RecordTooLargeError.self) { try await store.createTicket(huge) }
        #expect(error?.kind == "ticket")
        #expect(error?.id == huge.id.rawValue)
        #expect((error?.bytes ?? 0) > 16 * 1024 * 1024)
        #expect(try await store.loadTicket(id: huge.id) == nil)

        // An operation too large for one document, and a snapshot that grows past the limit.
        let small = fixtures.ticket(requester: ada.id)
        try await store.createTicket(small)
        let bigComment = fixtures.op(
            .comment(fixtures.comment(author: ada.id, body: String(repeating: "y", count: 17 << 20), visibility: .public)),
            version: 1, author: ada.id)
        await #expect(throws: RecordTooLargeError.self) {
            try await store.commit(ticket: small.id, ops: [bigComment], snapshot: nil)
        }
        // A snapshot that grows past the limit (the store does not apply operations:
        // the snapshots are built directly).
        var grown = small
        grown.internalNotes = ScalarText(String(repeating: "z", count: 8 << 20))
        grown.version = 1
        try await store.commit(
            ticket: small.id, ops: [fixtures.op(.subject("grown"), version: 1, author: ada.id)], snapshot: grown)
        var overgrown = grown
        overgrown.replyDraft = ScalarText(String(repeating: "w", count: 9 << 20))
        overgrown.version = 2
        let tooLarge = await #expect(throws: RecordTooLargeError.self) {
            try await store.commit(
                ticket: small.id, ops: [fixtures.op(.subject("overgrown"), version: 2, author: ada.id)],
                snapshot: overgrown)
        }
        #expect(tooLarge?.kind == "ticket")
        // Refused before anything was written: the log still ends at version 1.
        let loaded = try #require(try await store.loadTicket(id: small.id))
        #expect(loaded.snapshot.version == 1)
        #expect(loaded.snapshot.internalNotes.count == 8 << 20)
        #expect(loaded.ops.isEmpty)
        try await store.close()
    }
}
