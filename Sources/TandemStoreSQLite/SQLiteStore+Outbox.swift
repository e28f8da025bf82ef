// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// The ``OutboxStore`` requirements of ``TandemStore`` (table `mail_outbox`, migration `v6-mail`).
extension SQLiteStore {
    static let outboxColumns = "id, kind, message, state, attempts, due_at, created_at, sent_at, last_error"

    public func enqueueMail(_ entry: OutboxEntry) async throws {
        let message = try SQLiteJSON.encode(entry.message, what: "mail \(entry.id)")
        try await write("enqueueMail") { db in
            do {
                try db.execute(
                    sql: "INSERT INTO mail_outbox (\(Self.outboxColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        entry.id.rawValue, entry.kind, message, entry.state.rawValue, entry.attempts,
                        entry.dueAt.millisecondsSince1970, entry.createdAt.millisecondsSince1970,
                        entry.sentAt?.millisecondsSince1970, entry.lastError,
                    ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw StoreError.duplicate(kind: "mail", field: "id")
            }
        }
    }

    public func mail(id: OutboxID) async throws -> OutboxEntry? {
        try await read("mail") { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.outboxColumns) FROM mail_outbox WHERE id = ?", arguments: [id.rawValue])
                .map(Self.outboxEntry)
        }
    }

    /// One write transaction: select the due entries and claim them, so no other claim sees them.
    public func claimDueMail(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [OutboxEntry] {
        guard limit > 0 else { return [] }
        return try await write("claimDueMail") { db in
            let due = try Row.fetchAll(
                db,
                sql: """
                    SELECT \(Self.outboxColumns) FROM mail_outbox
                    WHERE state IN ('pending', 'sending') AND due_at <= ? ORDER BY due_at, id LIMIT ?
                    """, arguments: [now.millisecondsSince1970, limit]
            ).map(Self.outboxEntry)
            return try due.map { entry in
                var claimed = entry
                claimed.state = .sending
                claimed.attempts += 1
                claimed.dueAt = leaseUntil
                try db.execute(
                    sql: "UPDATE mail_outbox SET state = 'sending', attempts = ?, due_at = ? WHERE id = ?",
                    arguments: [claimed.attempts, leaseUntil.millisecondsSince1970, entry.id.rawValue])
                return claimed
            }
        }
    }

    public func recordMailOutcome(_ id: OutboxID, attempt: Int, outcome: OutboxOutcome, at: Timestamp) async throws -> Bool {
        try await write("recordMailOutcome") { db in
            guard
                let current = try Row.fetchOne(
                    db, sql: "SELECT \(Self.outboxColumns) FROM mail_outbox WHERE id = ? AND state = 'sending' AND attempts = ?",
                    arguments: [id.rawValue, attempt]
                ).map(Self.outboxEntry)
            else { return false }
            let next = current.recording(outcome, at: at)
            try db.execute(
                sql: "UPDATE mail_outbox SET state = ?, due_at = ?, sent_at = ?, last_error = ? WHERE id = ?",
                arguments: [
                    next.state.rawValue, next.dueAt.millisecondsSince1970, next.sentAt?.millisecondsSince1970, next.lastError,
                    id.rawValue,
                ])
            return true
        }
    }

    public func outbox(state: OutboxState?, page: PageRequest) async throws -> Page<OutboxEntry> {
        let limit = Pagination.clamp(page.limit)
        let before = try Pagination.start(page, listing: "outbox")
        var sql = "SELECT \(Self.outboxColumns) FROM mail_outbox WHERE 1 = 1"
        var arguments: [DatabaseValue] = []
        if let state {
            sql += " AND state = ?"
            arguments.append(state.rawValue.databaseValue)
        }
        if let before {
            sql += " AND id < ?"
            arguments.append(before.databaseValue)
        }
        sql += " ORDER BY id DESC LIMIT ?"
        arguments.append((limit + 1).databaseValue)
        let query = sql
        let values = arguments
        let entries = try await read("outbox") { db in
            try Row.fetchAll(db, sql: query, arguments: StatementArguments(values)).map(Self.outboxEntry)
        }
        return Pagination.page(entries, limit: limit, listing: "outbox") { $0.id.rawValue }
    }

    static func outboxEntry(_ row: Row) throws -> OutboxEntry {
        let id = OutboxID(row["id"])
        guard let state = OutboxState(rawValue: row["state"]) else {
            throw StoreError.corrupt("mail \(id) has an unknown state")
        }
        var entry = OutboxEntry(
            id: id, kind: row["kind"], message: try SQLiteJSON.decode(row["message"], where: "mail_outbox.message of \(id)"),
            createdAt: Timestamp(millisecondsSince1970: row["created_at"]))
        entry.state = state
        entry.attempts = row["attempts"]
        entry.dueAt = Timestamp(millisecondsSince1970: row["due_at"])
        entry.sentAt = (row["sent_at"] as Int64?).map(Timestamp.init(millisecondsSince1970:))
        entry.lastError = row["last_error"]
        return entry
    }
}
