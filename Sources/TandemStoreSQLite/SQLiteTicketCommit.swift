// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// One ticket's batch, encoded ahead of the write transaction so that the writer
/// connection is held only for SQL.
struct SQLiteTicketCommit: Sendable {
    let commit: TicketCommit
    /// The JSON of each operation's change, in the order of `commit.ops`.
    let changes: [String]
    /// The snapshot's rows, when the batch replaces the snapshot.
    let record: TicketRecord?

    init(_ commit: TicketCommit) throws {
        self.commit = commit
        let id = commit.ticket
        changes = try commit.ops.map { try SQLiteJSON.encode($0.change, what: "op \($0.version) of ticket \(id)") }
        record = try commit.snapshot.map(TicketRecord.init)
    }

    /// Appends the operations and, when given, replaces the snapshot (with its denormalized
    /// columns, tags and search row), inside the caller's transaction.
    /// - Throws: ``StoreError/versionConflict(kind:id:version:)`` (kind `ticket`) naming the
    ///   first version that does not fit, before anything is written;
    ///   ``StoreError/notFound(kind:id:)`` when the ticket does not exist.
    func write(in db: Database) throws {
        let id = commit.ticket
        guard
            let stored = try Row.fetchOne(
                db.cachedStatement(sql: "SELECT key, version, tags FROM tickets WHERE id = ?"), arguments: [id.rawValue])
        else { throw StoreError.notFound(kind: "ticket", id: id.rawValue) }
        let key: Int64 = try SQLiteRows.column(stored, "key", table: "tickets", id: id.rawValue)
        let snapshotVersion: Int64 = try SQLiteRows.column(stored, "version", table: "tickets", id: id.rawValue)
        let head =
            try Int64.fetchOne(
                db.cachedStatement(sql: "SELECT MAX(version) FROM ticket_ops WHERE ticket_id = ?"),
                arguments: [id.rawValue]) ?? 0
        try commit.check(storedVersion: snapshotVersion, lastOpVersion: head)
        try SQLiteStore.insertOps(commit.ops, changes: changes, ticket: id, in: db)
        guard let record else { return }
        let storedTags: String = try SQLiteRows.column(stored, "tags", table: "tickets", id: id.rawValue)
        try db.cachedStatement(sql: Self.updateSnapshot).execute(arguments: record.dataArguments + [key])
        // Most snapshots follow text edits: the tag rows and the search row are rewritten only
        // when they changed (re-indexing the text is most of a snapshot's cost).
        if storedTags != record.tagsJSON {
            try db.execute(sql: "DELETE FROM ticket_tags WHERE ticket_id = ?", arguments: [id.rawValue])
            try SQLiteStore.insertTags(record, in: db)
        }
        try SQLiteTicketSearch.update(record.search, key: key, in: db)
    }

    private static let updateSnapshot = """
        UPDATE tickets
        SET (\(SQLiteTicketRows.dataColumns)) = (\(SQLiteStore.placeholders(SQLiteTicketRows.dataColumnCount)))
        WHERE key = ?
        """
}
