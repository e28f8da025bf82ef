// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import TandemCore
import TandemStore
import TandemStoreSQLite
import Testing

/// SQLite-only behaviours of tickets and notifications.
extension SQLiteStoreTests {
    @Test func ticketsSurviveCloseAndReopen() async throws {
        try await withScratchDirectory { directory in
            let path = directory + "/tandem.sqlite"
            var fixtures = Fixtures()
            let ada = fixtures.user()
            let ticket = fixtures.ticket(subject: "Persistent 😀", requester: ada.id, tags: ["vip"])
            let ops = [
                fixtures.op(.status(.open), version: 1, author: ada.id),
                fixtures.op(.text(.description, .inserting("¡", at: 0)), version: 2, author: ada.id),
            ]
            let notification = fixtures.notification(for: ada.id, ticket: ticket.id, actor: ada.id)

            let first = try SQLiteStore(path: path, logger: Self.logger)
            try await first.migrate()
            try await first.createUser(ada)
            try await first.createTicket(ticket)
            try await first.commit(ticket: ticket.id, ops: [ops[0]], snapshot: try ticket.applying([ops[0]]))
            try await first.commit(ticket: ticket.id, ops: [ops[1]], snapshot: nil)
            try await first.createNotifications([notification])
            try await first.close()

            let second = try SQLiteStore(path: path, logger: Self.logger)
            try await second.migrate()
            #expect(try await second.diagnostics().synchronous == "full")
            let loaded = try #require(try await second.loadTicket(id: ticket.id))
            #expect(loaded.snapshot == (try ticket.applying([ops[0]])))
            #expect(loaded.ops == [ops[1]])
            #expect(
                try await second.listTickets(TicketFilter(tag: "vip", query: "persistent"), page: PageRequest())
                    .items.map(\.id) == [ticket.id])
            #expect(
                try await second.notifications(of: ada.id, unreadOnly: true, page: PageRequest()).items
                    == [notification])
            try await second.close()
        }
    }

    /// A snapshot rewrites the tag rows and the search row only when they changed: after a
    /// snapshot where only the (unindexed) draft changed, and after one that changed the
    /// description and the tags, listing by tag and searching are both exact.
    @Test func snapshotsKeepSearchAndTagsExactWhetherOrNotTheyChanged() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let ticket = fixtures.ticket(
            subject: "Kettle", description: "Whistles loudly", requester: ada.id, tags: ["noise"])
        try await store.createTicket(ticket)
        func found(_ filter: TicketFilter) async throws -> [TicketID] {
            try await store.listTickets(filter, page: PageRequest()).items.map(\.id)
        }

        let draft = fixtures.op(.text(.replyDraft, .inserting("platypus", at: 0)), version: 1, author: ada.id)
        let drafted = try ticket.applying([draft])
        try await store.commit(ticket: ticket.id, ops: [draft], snapshot: drafted)
        #expect(try await found(TicketFilter(query: "whistles")) == [ticket.id])
        #expect(try await found(TicketFilter(tag: "noise")) == [ticket.id])
        #expect(try await found(TicketFilter(query: "platypus")) == [])
        #expect(try await store.loadTicket(id: ticket.id)?.snapshot == drafted)

        let changes = [
            fixtures.op(.text(.description, .inserting("Steam ", at: 0)), version: 2, author: ada.id),
            fixtures.op(.tags(try TagOperation(adding: ["steam"], removing: ["noise"])), version: 3, author: ada.id),
        ]
        let changed = try drafted.applying(changes)
        try await store.commit(ticket: ticket.id, ops: changes, snapshot: changed)
        #expect(try await found(TicketFilter(query: "steam whistles")) == [ticket.id])
        #expect(try await found(TicketFilter(tag: "steam")) == [ticket.id])
        #expect(try await found(TicketFilter(tag: "noise")) == [])
        #expect(try await store.loadTicket(id: ticket.id)?.snapshot == changed)
        try await store.close()
    }

    /// Two stores on one file (as two server processes would be): each version is
    /// committed by exactly one of them.
    @Test func versionFenceHoldsAcrossConnections() async throws {
        try await withScratchDirectory { directory in
            let path = directory + "/tandem.sqlite"
            let first = try SQLiteStore(path: path, logger: Self.logger)
            try await first.migrate()
            let second = try SQLiteStore(path: path, logger: Self.logger)
            var fixtures = Fixtures()
            let ada = fixtures.user()
            let ticket = fixtures.ticket(requester: ada.id)
            try await first.createTicket(ticket)

            for version in Int64(1)...5 {
                let contenders = [(first, "first"), (second, "second")].map { store, name in
                    (store, fixtures.op(.subject("\(name) \(version)"), version: version, author: ada.id))
                }
                let failures = await withTaskGroup(of: Int.self) { group in
                    for (store, op) in contenders {
                        group.addTask {
                            do {
                                try await store.commit(ticket: ticket.id, ops: [op], snapshot: nil)
                                return 0
                            } catch let error as StoreError {
                                let expected = StoreError.versionConflict(
                                    kind: "ticket", id: ticket.id.rawValue, version: version)
                                return error == expected ? 1 : 100
                            } catch {
                                return 100
                            }
                        }
                    }
                    return await group.reduce(0, +)
                }
                #expect(failures == 1, "version \(version)")
            }
            #expect(try await second.loadTicket(id: ticket.id)?.ops.map(\.version) == [1, 2, 3, 4, 5])
            try await second.close()
            try await first.close()
        }
    }

    /// GRDB lowers `synchronous` to NORMAL when it sets up WAL; the store restores FULL.
    @Test func synchronousFullIsInForce() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        #expect(try await store.diagnostics().synchronous == "full")
        try await store.migrate()
        let diagnostics = try await store.diagnostics()
        #expect(diagnostics.synchronous == "full")
        #expect(diagnostics.journalMode == "wal")
        try await store.close()
    }

    @Test func searchIgnoresCaseAndDiacriticsButNotDrafts() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        var ticket = fixtures.ticket(
            subject: "Crème brûlée", description: "Jose\u{301} Nu\u{301}n\u{303}ez", requester: ada.id)
        ticket.replyDraft = "Draft mentions platypus"
        try await store.createTicket(ticket)
        for query in ["CREME", "brulee", "BRÛLÉE", "josé", "jose\u{301}", "NÚÑEZ", "nunez"] {
            let found = try await store.listTickets(TicketFilter(query: query, publicOnly: true), page: PageRequest())
            #expect(found.items.map(\.id) == [ticket.id], "\(query)")
        }
        #expect(try await store.listTickets(TicketFilter(query: "platypus"), page: PageRequest()).items.isEmpty)
        try await store.close()
    }

    @Test func undecodableTicketsReportCorrupt() async throws {
        try await withScratchDirectory { directory in
            let path = directory + "/tandem.sqlite"
            var fixtures = Fixtures()
            let ada = fixtures.user()
            let ticket = fixtures.ticket(requester: ada.id)
            let store = try SQLiteStore(path: path, logger: Self.logger)
            try await store.migrate()
            try await store.createTicket(ticket)
            try await store.commit(
                ticket: ticket.id, ops: [fixtures.op(.status(.open), version: 1, author: ada.id)], snapshot: nil)
            try await store.close()

            let other = try DatabaseQueue(path: path)
            try await other.write { db in
                try db.execute(sql: "UPDATE tickets SET snapshot = '{\"id\": 42}'")
                try db.execute(sql: "UPDATE ticket_ops SET op = '{\"kind\": \"teleport\"}'")
            }
            try other.close()

            let reopened = try SQLiteStore(path: path, logger: Self.logger)
            for operation in [
                { _ = try await reopened.loadTicket(id: ticket.id) },
                { _ = try await reopened.ops(ticket: ticket.id, after: 0, through: 1) },
            ] as [@Sendable () async throws -> Void] {
                let error = await #expect(throws: StoreError.self) { try await operation() }
                guard case .corrupt(let reason) = error else {
                    Issue.record("expected corrupt, got \(String(describing: error))")
                    continue
                }
                #expect(reason.contains(ticket.id.rawValue))
            }
            try await reopened.close()
        }
    }
}
