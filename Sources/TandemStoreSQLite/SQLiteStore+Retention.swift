// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// Retention (``StoreMaintenance/purge(_:)``).
extension SQLiteStore {
    /// Deletes what `policy` allows, in transactions of at most
    /// ``RetentionPolicy/batchLimit`` records, so that live commits interleave.
    public func purge(_ policy: RetentionPolicy) async throws -> RetentionReport {
        var report = RetentionReport()
        let limit = policy.batchLimit
        if let cutoff = policy.cutoff(policy.closedTicketAge) {
            while true {
                let (tickets, ops) = try await write("purgeTickets") { db in
                    try Self.purgeClosedTickets(before: cutoff, limit: limit, in: db)
                }
                report.tickets += tickets
                report.ticketOps += ops
                if tickets < limit { break }
            }
        }
        if let cutoff = policy.cutoff(policy.readNotificationAge) {
            while true {
                let deleted = try await write("purgeNotifications") { db in
                    try db.execute(
                        sql: """
                            DELETE FROM notifications WHERE id IN (
                                SELECT id FROM notifications
                                WHERE read_at IS NOT NULL AND read_at < ? ORDER BY read_at LIMIT ?)
                            """,
                        arguments: [cutoff, limit])
                    return db.changesCount
                }
                report.notifications += deleted
                if deleted < limit { break }
            }
        }
        if let cutoff = policy.cutoff(policy.opLogAge) {
            while true {
                let deleted = try await write("purgeOps") { db in
                    try db.execute(
                        sql: """
                            DELETE FROM ticket_ops WHERE rowid IN (
                                SELECT o.rowid FROM tickets AS t
                                JOIN ticket_ops AS o ON o.ticket_id = t.id AND o.version <= t.version - ?
                                WHERE o.at < ? LIMIT ?)
                            """,
                        arguments: [policy.opLogMargin, cutoff, limit])
                    return db.changesCount
                }
                report.ticketOps += deleted
                if deleted < limit { break }
            }
        }
        if report != RetentionReport() {
            logger.info("retention purged records", metadata: ["purged": "\(report)"])
        }
        return report
    }

    /// Closed tickets last updated before `cutoff` with no operation after their
    /// snapshot (nothing unsnapshotted is lost), with their op log and search row.
    private static func purgeClosedTickets(before cutoff: Int64, limit: Int, in db: Database) throws -> (Int, Int) {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT key, id FROM tickets AS t
                WHERE status = 'closed' AND updated_at < ?
                AND NOT EXISTS (SELECT 1 FROM ticket_ops AS o WHERE o.ticket_id = t.id AND o.version > t.version)
                ORDER BY updated_at LIMIT ?
                """,
            arguments: [cutoff, limit])
        var ops = 0
        for row in rows {
            let key: Int64 = row["key"]
            let id: String = row["id"]
            try db.execute(sql: "DELETE FROM ticket_ops WHERE ticket_id = ?", arguments: [id])
            ops += db.changesCount
            try db.execute(sql: "DELETE FROM ticket_search WHERE rowid = ?", arguments: [key])
            // ticket_tags go with the ticket (ON DELETE CASCADE).
            try db.execute(sql: "DELETE FROM tickets WHERE key = ?", arguments: [key])
        }
        return (rows.count, ops)
    }
}
