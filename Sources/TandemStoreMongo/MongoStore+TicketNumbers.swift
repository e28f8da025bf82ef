// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// Ticket numbers: one counter document, advanced with `findAndModify` + `$inc`.
///
/// `findAndModify` updates one document atomically on the server, so every node of
/// a cluster that creates a ticket at the same moment gets a different number; the
/// counter only grows, so numbers are never reused.
extension MongoStore {
    var counters: MongoCollection { client.collection(MongoSchema.counters, database: database) }

    /// The id of the ticket with this number.
    public func ticketID(number: Int64) async throws -> TicketID? {
        try await perform("ticketByNumber") {
            try await tickets.findOne(["number": .int64(number)], projection: ["_id": 0, "key": 1])
                .map { TicketID(try MongoFields($0, collection: MongoSchema.tickets).string("key")) }
        }
    }

    /// The next ticket number (the counter document is created by the first call).
    func nextTicketNumber() async throws -> Int64 {
        guard
            let counter = try await counters.findOneAndUpdate(
                ["_id": .string(MongoSchema.ticketNumberCounter)], ["$inc": ["value": .int64(1)]], upsert: true)
        else { throw StoreError.corrupt("findAndModify with upsert returned no \(MongoSchema.counters) document") }
        return try MongoFields(counter, collection: MongoSchema.counters).int64("value")
    }

    /// Moves the counter up to `number` (never down): a restored ticket keeps its number.
    func reserveTicketNumber(_ number: Int64) async throws {
        try await counters.updateOne(
            ["_id": .string(MongoSchema.ticketNumberCounter)], ["$max": ["value": .int64(number)]], upsert: true)
    }

    /// The desk block of ``migrate()``: below schema 2, numbers the tickets stored before
    /// numbers existed (one scan, only then); always makes sure of the unique index on numbers.
    func migrateDesk(from storedVersion: Int64) async throws {
        if storedVersion < 2 { try await numberTickets() }
        for (collection, indexes) in MongoSchema.deskIndexes {
            try await client.collection(collection, database: database).createIndexes(indexes)
        }
    }

    /// The migration to schema 2: numbers the tickets stored before numbers existed, in
    /// creation order.
    /// Each is rewritten whole (document and snapshot) from its decoded snapshot: only plain
    /// finds and replacements, no operator a small server may lack. Several nodes migrating at
    /// once can each give a ticket a number; the last write wins and the others leave gaps.
    func numberTickets() async throws {
        let found = try await tickets.find(
            [:], options: MongoFindOptions(projection: ["_id": 0, "key": 1, "number": 1, "createdAt": 1]))
        var unnumbered: [(createdAt: Int64, key: String)] = []
        for document in found {
            let fields = MongoFields(document, collection: MongoSchema.tickets)
            guard (try fields.optionalInt64("number") ?? 0) == 0 else { continue }
            unnumbered.append((try fields.int64("createdAt"), try fields.string("key")))
        }
        for (_, key) in unnumbered.sorted(by: { ($0.createdAt, $0.key) < ($1.createdAt, $1.key) }) {
            guard
                let document = try await tickets.findOne(
                    ["key": .string(key)], projection: ["_id": 0, "key": 1, "version": 1, "snapshot": 1])
            else { continue }
            var ticket = try MongoTicketRecords.snapshot(document)
            guard ticket.number == 0 else { continue }
            ticket.number = try await nextTicketNumber()
            try await tickets.replaceOne(["key": .string(key)], try MongoTicketRecords.document(ticket))
        }
        if !unnumbered.isEmpty {
            logger.info("numbered the tickets stored before ticket numbers", metadata: ["tickets": "\(unnumbered.count)"])
        }
    }
}
