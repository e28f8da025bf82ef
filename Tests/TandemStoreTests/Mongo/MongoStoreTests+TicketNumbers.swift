// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore
@testable import TandemStoreMongo
import Testing

/// Ticket numbers in MongoDB: one counter for every process on the database, and the
/// migration of tickets stored before numbers.
extension MongoStoreTests {
    /// Two stores on one database (two nodes of a cluster) creating tickets at the same
    /// time: every number is handed out exactly once.
    @Test func ticketNumbersAreUniqueAcrossProcesses() async throws {
        let first = try MongoTestEnvironment.temporaryStore()
        try await first.migrate()
        let second = try MongoStore(
            configuration: .init(
                connection: MongoConnectionOptions(url: MongoTestEnvironment.requireURL()), database: first.database),
            logger: MongoTestEnvironment.logger)
        var fixtures = Fixtures()
        let ada = fixtures.user(role: .customer)
        let tickets = (0..<30).map {
            StoreConformance.unnumbered(fixtures.ticket(subject: "Node ticket \($0)", requester: ada.id))
        }
        let numbers = try await withThrowingTaskGroup(of: Int64.self) { group in
            for (index, ticket) in tickets.enumerated() {
                let store = index.isMultiple(of: 2) ? first : second
                group.addTask { try await store.createTicket(ticket).number }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(1...30))
        try await second.close()
        try await first.close()
    }

    /// Tickets written before numbers (no `number` in the document or the snapshot) are
    /// numbered by `migrate()` in creation order; the counter continues after them.
    @Test func migrationNumbersExistingTickets() async throws {
        let store = try MongoTestEnvironment.temporaryStore()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let tickets = (0..<4).map { StoreConformance.unnumbered(fixtures.ticket(subject: "Old \($0)", requester: ada.id)) }
        // Written as a store before schema 2 did: newest first, and without numbers.
        for ticket in tickets.reversed() { try await store.tickets.insertOne(try MongoTicketRecords.document(ticket)) }
        try await store.tickets.updateMany([:], ["$unset": ["number": "", "snapshot.number": ""]])
        #expect(try await store.tickets.countDocuments(["number": ["$exists": true]]) == 0)

        try await store.migrate()
        for (index, ticket) in tickets.enumerated() {
            #expect(try await store.loadTicket(id: ticket.id)?.snapshot.number == Int64(index + 1))
            #expect(try await store.ticketID(number: Int64(index + 1)) == ticket.id)
        }
        try await store.migrate()  // idempotent
        #expect(try await store.createTicket(StoreConformance.unnumbered(fixtures.ticket(requester: ada.id))).number == 5)
        try await store.close()
    }
}
