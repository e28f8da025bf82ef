// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// Ticket numbers: the `counters` row `ticket_number` holds the last number handed out.
///
/// It is read and advanced inside the write transaction that inserts the ticket, and
/// SQLite has one writer at a time, so two tickets never get the same number; the
/// counter only grows, so a purged ticket's number is never handed out again.
enum SQLiteTicketNumbers {
    static let counter = "ticket_number"

    /// The next number, taken in the caller's write transaction.
    static func next(in db: Database) throws -> Int64 {
        try db.execute(
            sql: """
                INSERT INTO counters (name, value) VALUES (?, 1)
                ON CONFLICT (name) DO UPDATE SET value = value + 1
                """,
            arguments: [counter])
        guard let value = try Int64.fetchOne(db, sql: "SELECT value FROM counters WHERE name = ?", arguments: [counter])
        else { throw StoreError.corrupt("counters.\(counter) vanished inside its own transaction") }
        return value
    }

    /// Records that `number` is taken (a restored ticket keeps its number): the counter
    /// moves up to it, never down.
    static func reserve(_ number: Int64, in db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO counters (name, value) VALUES (?, ?)
                ON CONFLICT (name) DO UPDATE SET value = MAX(value, excluded.value)
                """,
            arguments: [counter, number])
    }
}

extension SQLiteStore {
    /// The id of the ticket with this number.
    public func ticketID(number: Int64) async throws -> TicketID? {
        try await read("ticketByNumber") { db in
            try String.fetchOne(db, sql: "SELECT id FROM tickets WHERE number = ?", arguments: [number])
                .map(TicketID.init)
        }
    }

    /// Inserts a ticket's row, tags and search row in the caller's write transaction.
    /// A ticket with number 0 gets the next number; one with a number keeps it (a restore, a
    /// test's fixture) and the counter moves up to it. Returns the ticket as stored.
    static func insertTicket(_ ticket: Ticket, in db: Database) throws -> Ticket {
        // Checked first so that a ticket created twice is reported by its id, not by its number.
        if try Bool.fetchOne(db, sql: "SELECT 1 FROM tickets WHERE id = ?", arguments: [ticket.id.rawValue]) == true {
            throw StoreError.duplicate(kind: "ticket", field: "id")
        }
        var ticket = ticket
        if ticket.number == 0 {
            ticket.number = try SQLiteTicketNumbers.next(in: db)
        } else {
            try SQLiteTicketNumbers.reserve(ticket.number, in: db)
        }
        let record = try TicketRecord(ticket)
        try db.execute(
            sql: """
                INSERT INTO tickets (id, \(SQLiteTicketRows.dataColumns))
                VALUES (?, \(placeholders(SQLiteTicketRows.dataColumnCount)))
                """,
            arguments: [record.id] + record.dataArguments)
        let key = db.lastInsertedRowID
        try insertTags(record, in: db)
        try SQLiteTicketSearch.replace(record.search, key: key, in: db)
        return ticket
    }
}
