// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore
import TandemStoreSQLite
import Testing

/// Ticket numbers in SQLite: the `v8-desk` migration of tickets stored before numbers.
extension SQLiteStoreTests {
    /// A store written before `v8-desk` (rebuilt here by undoing the migration by hand): its
    /// tickets are numbered in creation order, in their rows and snapshots, and new tickets
    /// continue after them.
    @Test func migrationNumbersExistingTicketsInCreationOrder() async throws {
        try await withScratchDirectory { directory in
            let path = directory + "/tandem.sqlite"
            var fixtures = Fixtures()
            let ada = fixtures.user()
            let tickets = (0..<5).map { StoreConformance.unnumbered(fixtures.ticket(subject: "Old \($0)", requester: ada.id)) }
            let store = try SQLiteStore(path: path, logger: Self.logger)
            try await store.migrate()
            // Inserted newest first, so that creation order and insertion order differ.
            for ticket in tickets.reversed() { try await store.createTicket(ticket) }
            try await store.close()

            let old = try DatabaseQueue(path: path)
            try await old.write { db in
                try db.execute(
                    sql: """
                        DROP INDEX tickets_by_number;
                        ALTER TABLE tickets DROP COLUMN number;
                        DROP TABLE counters;
                        UPDATE tickets SET snapshot = json_remove(snapshot, '$.number');
                        DELETE FROM grdb_migrations WHERE identifier = 'v8-desk';
                        """)
            }
            try old.close()

            let migrated = try SQLiteStore(path: path, logger: Self.logger)
            try await migrated.migrate()
            for (index, ticket) in tickets.enumerated() {
                let snapshot = try #require(try await migrated.loadTicket(id: ticket.id)?.snapshot)
                #expect(snapshot.number == Int64(index + 1))
                #expect(try await migrated.ticketID(number: Int64(index + 1)) == ticket.id)
            }
            let listed = try await migrated.listTickets(TicketFilter(), page: PageRequest()).items
            #expect(Set(listed.map(\.number)) == Set(1...5))
            let next = try await migrated.createTicket(
                StoreConformance.unnumbered(fixtures.ticket(subject: "New", requester: ada.id)))
            #expect(next.number == 6)
            try await migrated.close()
        }
    }

    /// A purged ticket's number is not handed out again.
    @Test func numbersAreNotReusedAfterPurge() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let first = try await store.createTicket(StoreConformance.unnumbered(fixtures.ticket(requester: ada.id)))
        let last = try await store.createTicket(StoreConformance.unnumbered(fixtures.ticket(status: .closed, requester: ada.id)))
        #expect([first.number, last.number] == [1, 2])
        let purged = try await store.purge(
            RetentionPolicy(now: fixtures.now.adding(seconds: 86_400), closedTicketAge: .seconds(1)))
        #expect(purged.tickets == 1)
        #expect(try await store.ticketID(number: 2) == nil)
        #expect(try await store.createTicket(StoreConformance.unnumbered(fixtures.ticket(requester: ada.id))).number == 3)
        try await store.close()
    }
}
