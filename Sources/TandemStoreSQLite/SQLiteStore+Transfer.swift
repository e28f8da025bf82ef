// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// Export and import of every record (``StoreMaintenance``).
extension SQLiteStore {
    /// Exports every record from one read transaction: a consistent snapshot of
    /// the whole database, taken while writers go on (WAL).
    public func exportRecords(_ sink: @escaping @Sendable (StoreRecord) throws -> Void) async throws -> StoreExportInfo {
        // The sink's own errors pass through the translation unchanged.
        let emit: @Sendable (StoreRecord) throws -> Void = { record in try CallerError.wrap { try sink(record) } }
        return try await read("exportRecords") { db in
            let users = try Row.fetchCursor(db, sql: "SELECT \(SQLiteRows.userColumns) FROM users ORDER BY id")
            while let row = try users.next() { try emit(.user(try SQLiteRows.user(row))) }

            var members: [TeamID: [TeamMember]] = [:]
            let memberRows = try Row.fetchCursor(
                db, sql: "SELECT team_id, user_id, role FROM team_members ORDER BY team_id, position")
            while let row = try memberRows.next() {
                let (teamID, member) = try SQLiteRows.member(row)
                members[teamID, default: []].append(member)
            }
            let teams = try Row.fetchCursor(db, sql: "SELECT \(SQLiteRows.teamColumns) FROM teams ORDER BY id")
            while let row = try teams.next() {
                var team = try SQLiteRows.team(row)
                team.members = members[team.id] ?? []
                try emit(.team(team))
            }

            let sessions = try Row.fetchCursor(db, sql: "SELECT \(SQLiteRows.sessionColumns) FROM sessions ORDER BY id")
            while let row = try sessions.next() { try emit(.session(try SQLiteRows.session(row))) }

            let tickets = try Row.fetchCursor(db, sql: "SELECT id, version, snapshot FROM tickets ORDER BY id")
            while let row = try tickets.next() { try emit(.ticket(try SQLiteTicketRows.snapshot(row))) }

            let ops = try Row.fetchCursor(
                db, sql: "SELECT ticket_id, \(SQLiteTicketRows.opColumns) FROM ticket_ops ORDER BY ticket_id, version")
            while let row = try ops.next() {
                let ticket: String = try SQLiteRows.column(row, "ticket_id", table: "ticket_ops")
                try emit(.ticketOp(TicketID(ticket), try SQLiteTicketRows.op(row, ticket: ticket)))
            }

            let notifications = try Row.fetchCursor(
                db, sql: "SELECT \(SQLiteNotificationRows.columns) FROM notifications ORDER BY id")
            while let row = try notifications.next() {
                try emit(.notification(try SQLiteNotificationRows.notification(row)))
            }
            return StoreExportInfo(
                store: "sqlite", consistency: "snapshot: every record as of one moment (one SQLite read transaction)")
        }
    }

    /// Imports every record in one write transaction: all of them, or none.
    public func importRecords(_ next: @escaping @Sendable () throws -> StoreRecord?) async throws -> [StoreRecordKind: Int] {
        try await write("importRecords") { db in
            let held = try Self.recordCounts(db)
            guard held.isEmpty else { throw StoreImportError.targetNotEmpty(held) }
            var tally = ImportTally()
            while let record = try CallerError.wrap(next) {
                try tally.count(record)
                try Self.insert(record, in: db)
            }
            return tally.counts
        }
    }

    /// The kinds that hold records, with their counts.
    static func recordCounts(_ db: Database) throws -> [StoreRecordKind: Int] {
        let tables: [(StoreRecordKind, String)] = [
            (.users, "users"), (.teams, "teams"), (.sessions, "sessions"), (.tickets, "tickets"),
            (.ticketOps, "ticket_ops"), (.notifications, "notifications"),
        ]
        var counts: [StoreRecordKind: Int] = [:]
        for (kind, table) in tables {
            let count = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)") ?? 0
            if count > 0 { counts[kind] = count }
        }
        return counts
    }

    private static func insert(_ record: StoreRecord, in db: Database) throws {
        switch record {
        case .user(let user):
            try db.execute(
                sql: "INSERT INTO users (\(SQLiteRows.userColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    user.id.rawValue, user.email, user.name, user.role.rawValue, user.passwordHash, user.disabled,
                    user.createdAt.millisecondsSince1970, user.updatedAt.millisecondsSince1970,
                ])
        case .team(let team):
            try db.execute(
                sql: "INSERT INTO teams (\(SQLiteRows.teamColumns)) VALUES (?, ?, ?, ?)",
                arguments: [
                    team.id.rawValue, team.name, team.createdAt.millisecondsSince1970, team.updatedAt.millisecondsSince1970,
                ])
            try insertMembers(of: team, in: db)
        case .session(let session):
            do {
                try db.execute(
                    sql: "INSERT INTO sessions (\(SQLiteRows.sessionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        session.id.rawValue, session.userID.rawValue, session.refreshTokenHash, session.csrfToken,
                        session.createdAt.millisecondsSince1970, session.expiresAt.millisecondsSince1970,
                        session.revokedAt?.millisecondsSince1970, session.userAgent, session.ipAddress,
                    ])
            } catch  where SQLiteErrors.isForeignKeyViolation(error) {
                throw StoreError.notFound(kind: "user", id: session.userID.rawValue)
            }
        case .ticket(let ticket):
            _ = try insertTicket(ticket, in: db)
        case .ticketOp(let ticket, let op):
            let change = try SQLiteJSON.encode(op.change, what: "op \(op.version) of ticket \(ticket)")
            do {
                try insertOps([op], changes: [change], ticket: ticket, in: db)
            } catch  where SQLiteErrors.isForeignKeyViolation(error) {
                throw StoreError.notFound(kind: "ticket", id: ticket.rawValue)
            }
        case .notification(let notification):
            do {
                try db.execute(
                    sql: "INSERT INTO notifications (\(SQLiteNotificationRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        notification.id.rawValue, notification.user.rawValue, notification.kind.rawValue,
                        notification.ticket.rawValue, notification.actor.rawValue, notification.text,
                        notification.createdAt.millisecondsSince1970, notification.readAt?.millisecondsSince1970,
                    ])
            } catch  where SQLiteErrors.isForeignKeyViolation(error) {
                throw StoreError.notFound(kind: "user", id: notification.user.rawValue)
            }
        }
    }
}
