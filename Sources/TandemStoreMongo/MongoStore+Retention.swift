// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// Retention (``StoreMaintenance/purge(_:)``).
extension MongoStore {
    /// Deletes what `policy` allows, at most ``RetentionPolicy/batchLimit`` records
    /// per round trip, until nothing is left.
    public func purge(_ policy: RetentionPolicy) async throws -> RetentionReport {
        try await perform("purge") {
            var report = RetentionReport()
            if let cutoff = policy.cutoff(policy.closedTicketAge) {
                try await purgeClosedTickets(before: cutoff, limit: policy.batchLimit, into: &report)
            }
            if let cutoff = policy.cutoff(policy.readNotificationAge) {
                while true {
                    let found = try await notifications.find(
                        ["read": true, "readAt": ["$lt": .int64(cutoff)]],
                        options: MongoFindOptions(projection: ["_id": 0, "key": 1], limit: policy.batchLimit))
                    let keys = found.compactMap { $0["key"]?.stringValue }
                    guard !keys.isEmpty else { break }
                    report.notifications += try await notifications.deleteMany(["key": ["$in": .strings(keys)]])
                    if keys.count < policy.batchLimit { break }
                }
            }
            if let cutoff = policy.cutoff(policy.opLogAge) {
                try await purgeOps(before: cutoff, margin: policy.opLogMargin, limit: policy.batchLimit, into: &report)
            }
            if report != RetentionReport() {
                logger.info("retention purged records", metadata: ["purged": "\(report)"])
            }
            return report
        }
    }

    /// Closed tickets last updated before `cutoff` whose log ends at their snapshot;
    /// the ticket document goes first, then its operations (a crash in between leaves
    /// only unreachable operations, never a ticket without the log it needs).
    private func purgeClosedTickets(before cutoff: Int64, limit: Int, into report: inout RetentionReport) async throws {
        while true {
            // Oldest first, on the (status, updatedAt) index.
            let candidates = try await tickets.find(
                ["status": "closed", "updatedAt": ["$lt": .int64(cutoff)]],
                options: MongoFindOptions(
                    sort: ["updatedAt": 1], projection: ["_id": 0, "key": 1, "version": 1], limit: limit))
            var deletedAny = false
            for candidate in candidates {
                let fields = MongoFields(candidate, collection: MongoSchema.tickets)
                let key = try fields.string("key")
                let version = try fields.int64("version")
                // Operations after the snapshot: not yet (a later run takes it).
                guard try await headVersion(TicketID(key)) <= version else { continue }
                // Still closed and unchanged: the filter re-checks both.
                let deleted = try await tickets.deleteMany(["key": .string(key), "status": "closed", "version": .int64(version)])
                guard deleted > 0 else { continue }
                deletedAny = true
                report.tickets += 1
                report.ticketOps += try await ticketOps.deleteMany(["ticket": .string(key)])
                // Its attachment records too (SQLite: ON DELETE CASCADE); the orphan sweep takes the bytes.
                _ = try await attachments.deleteMany(["ticket": .string(key)])
            }
            if candidates.count < limit || !deletedAny { break }
        }
    }

    /// Operations older than `cutoff` and more than `margin` versions behind their
    /// ticket's snapshot, ticket by ticket (each delete is a range of the fence index).
    private func purgeOps(before cutoff: Int64, margin: Int64, limit: Int, into report: inout RetentionReport) async throws {
        var after = ""
        while true {
            let page = try await tickets.find(
                ["key": ["$gt": .string(after)], "version": ["$gt": .int64(margin)]],
                options: MongoFindOptions(sort: ["key": 1], projection: ["_id": 0, "key": 1, "version": 1], limit: limit))
            for document in page {
                let fields = MongoFields(document, collection: MongoSchema.tickets)
                let key = try fields.string("key")
                after = key
                let through = try fields.int64("version") - margin
                report.ticketOps += try await ticketOps.deleteMany([
                    "ticket": .string(key), "version": ["$lte": .int64(through)], "at": ["$lt": .int64(cutoff)],
                ])
            }
            if page.count < limit { break }
        }
    }
}
