// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// The ``TicketStore`` requirements of ``TandemStore``.
extension SQLiteStore {
    /// Inserts a new ticket with the next ticket number (``SQLiteTicketNumbers``), or the number
    /// it carries: its snapshot, tags and search index row, in one transaction.
    /// - Throws: ``StoreError/duplicate(kind:field:)`` with kind `ticket`, field `id` when the id is
    ///   taken, field `number` when a given number is.
    @discardableResult
    public func createTicket(_ ticket: Ticket) async throws -> Ticket {
        // Encoded once here so that an unencodable ticket fails before the transaction.
        _ = try TicketRecord(ticket)
        return try await write("createTicket") { [ticket] db in
            try Self.insertTicket(ticket, in: db)
        }
    }

    /// The latest snapshot and the operations after it, in version order.
    /// - Throws: ``StoreError/corrupt(_:)`` when a row does not decode or the
    ///   operations after the snapshot are not contiguous.
    public func loadTicket(id: TicketID) async throws -> StoredTicket? {
        try await read("loadTicket") { db in
            guard
                let row = try Row.fetchOne(
                    db, sql: "SELECT id, version, snapshot FROM tickets WHERE id = ?", arguments: [id.rawValue])
            else { return nil }
            let snapshot = try SQLiteTicketRows.snapshot(row)
            let ops = try Self.ops(of: id, after: snapshot.version, through: nil, in: db)
            for (offset, op) in ops.enumerated() where op.version != snapshot.version + 1 + Int64(offset) {
                throw StoreError.corrupt(
                    "ticket_ops of \(id.rawValue) jump to version \(op.version) after snapshot \(snapshot.version)")
            }
            return StoredTicket(snapshot: snapshot, ops: ops)
        }
    }

    /// Appends `ops` and, when given, replaces the snapshot (with its denormalized
    /// columns, tags and search row), all in one write transaction, which it shares
    /// with the commits of other tickets that are ready at the same moment
    /// (``SQLiteGroupCommit``: a refusal of this batch does not affect theirs).
    ///
    /// `ops` must continue the log exactly: their versions are `head + 1, head + 2, …`
    /// where `head` is the highest stored version. `snapshot`, when given, must be of
    /// this ticket (anything else is a programming error, and traps) and at a version
    /// between the stored snapshot's and the new head.
    /// - Throws: ``StoreError/versionConflict(kind:id:version:)`` (kind `ticket`) naming the
    ///   first version that does not fit, and nothing is written;
    ///   ``StoreError/notFound(kind:id:)`` when the ticket does not exist.
    public func commit(ticket id: TicketID, ops: [TicketOp], snapshot: Ticket?) async throws {
        let commit = TicketCommit(ticket: id, ops: ops, snapshot: snapshot)
        guard !commit.isEmpty else { return }
        do {
            try await groupCommit.write(SQLiteTicketCommit(commit))
        } catch {
            throw translate(error, operation: "commitTicket")
        }
    }

    /// Stored operations with `after < version ≤ through`, in version order.
    public func ops(ticket: TicketID, after: Int64, through: Int64) async throws -> [TicketOp] {
        guard through > after else { return [] }
        return try await read("ticketOps") { db in
            try Self.ops(of: ticket, after: after, through: through, in: db)
        }
    }

    /// Summaries in id order, filtered; see ``TicketFilter``.
    ///
    /// `query` is plain words (FTS5 syntax in it is taken literally): a ticket matches
    /// when every word starts a word of its subject, description, public replies,
    /// internal notes or internal comments (only the first three when `publicOnly`).
    /// Case and diacritics are ignored; the reply draft is not searched. `tag` matches
    /// exactly (tags are stored normalized).
    public func listTickets(_ filter: TicketFilter, page: PageRequest) async throws -> Page<TicketSummary> {
        let limit = Pagination.clamp(page.limit)
        let after = try Pagination.start(page, listing: "tickets")
        guard var query = SQLiteTicketQuery(filter) else { return Page(items: [], nextCursor: nil) }
        if let after { query.add("t.id > ?", after) }
        let sql = """
            SELECT \(SQLiteTicketRows.summaryColumns) FROM tickets AS t \(query.whereClause)
            ORDER BY t.id LIMIT ?
            """
        let arguments = query.arguments + [(limit + 1).databaseValue]
        let summaries = try await read("listTickets") { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(SQLiteTicketRows.summary)
        }
        return Pagination.page(summaries, limit: limit, listing: "tickets") { $0.id.rawValue }
    }

    /// The summaries of the team's tickets (of the tickets with no team when `team`
    /// is nil) that are not closed, in id order.
    public func openTickets(team: TeamID?) async throws -> [TicketSummary] {
        // Literal `status != 'closed'`: it selects the partial index tickets_open_by_team.
        let teamCondition = team == nil ? "team_id IS NULL" : "team_id = ?"
        return try await read("openTickets") { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT \(SQLiteTicketRows.summaryColumns) FROM tickets
                    WHERE \(teamCondition) AND status != 'closed' ORDER BY id
                    """,
                arguments: team.map { [$0.rawValue] } ?? []
            ).map(SQLiteTicketRows.summary)
        }
    }

    /// How many tickets there are, in any status.
    public func countTickets() async throws -> Int {
        try await read("countTickets") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM tickets") ?? 0
        }
    }

    /// Tickets whose snapshot has a pending reply due at or before `now`, earliest first.
    public func ticketsWithDueReplies(at now: Timestamp, limit: Int) async throws -> [TicketID] {
        try await read("ticketsWithDueReplies") { db in
            try String.fetchAll(
                db,
                sql: """
                    SELECT id FROM tickets
                    WHERE reply_due_at IS NOT NULL AND reply_due_at <= ? ORDER BY reply_due_at LIMIT ?
                    """,
                arguments: [now.millisecondsSince1970, limit]
            ).map(TicketID.init)
        }
    }

    // MARK: - Rows

    static func insertOps(_ ops: [TicketOp], changes: [String], ticket: TicketID, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO ticket_ops (ticket_id, \(SQLiteTicketRows.opColumns)) VALUES (?, ?, ?, ?, ?, ?, ?)"
        )
        for (op, change) in zip(ops, changes) {
            do {
                try statement.execute(arguments: [
                    ticket.rawValue, op.version, change, op.author.rawValue, op.at.millisecondsSince1970, op.client,
                    op.seq,
                ])
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                // The fence: another writer committed this version first.
                throw StoreError.versionConflict(kind: "ticket", id: ticket.rawValue, version: op.version)
            }
        }
    }

    static func insertTags(_ record: TicketRecord, in db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO ticket_tags (ticket_id, tag) VALUES (?, ?)")
        for tag in record.tags {
            try statement.execute(arguments: [record.id, tag])
        }
    }

    private static func ops(of ticket: TicketID, after: Int64, through: Int64?, in db: Database) throws -> [TicketOp] {
        try Row.fetchAll(
            db,
            sql: """
                SELECT \(SQLiteTicketRows.opColumns) FROM ticket_ops
                WHERE ticket_id = ? AND version > ? AND version <= ? ORDER BY version
                """,
            arguments: [ticket.rawValue, after, through ?? Int64.max]
        ).map { try SQLiteTicketRows.op($0, ticket: ticket.rawValue) }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ", ")
    }
}
