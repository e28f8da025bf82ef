// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import TandemCore
import TandemJobs
import TandemStore

/// The ``JobStore`` requirements of ``TandemStore``.
///
/// Every change is one write transaction on the single writer connection, so claims never
/// overlap; a completion and its effects commit in the same transaction (docs/JOBS.md).
extension SQLiteStore {
    public func enqueueJob(_ job: JobRecord) async throws -> JobEnqueueResult {
        try await write("enqueueJob") { db in
            if let key = job.uniqueKey,
                let row = try Row.fetchOne(
                    db, sql: "SELECT \(SQLiteJobRows.columns) FROM jobs WHERE unique_key = ?", arguments: [key])
            {
                return .existing(try SQLiteJobRows.job(row))
            }
            var job = job
            job.state = .waiting
            job.lease = nil
            try db.execute(
                sql: "INSERT INTO jobs (\(SQLiteJobRows.columns)) VALUES (\(SQLiteJobRows.placeholders))",
                arguments: SQLiteJobRows.arguments(job))
            return .inserted(job)
        }
    }

    public func claimJobs(
        queue: String, owner: String, now: Timestamp, leaseExpiresAt: Timestamp, limit: Int
    ) async throws -> [JobRecord] {
        guard limit > 0 else { return [] }
        let claimed = try await write("claimJobs") { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE jobs SET state = 'active', attempts = attempts + 1, progress = 0, started_at = :now,
                        lease_owner = :owner, lease_expires_at = :expires
                    WHERE id IN (
                        SELECT id FROM jobs WHERE queue = :queue AND state = 'waiting' AND run_at <= :now
                        ORDER BY priority DESC, run_at, id LIMIT :limit)
                    RETURNING \(SQLiteJobRows.columns)
                    """,
                arguments: [
                    "now": now.millisecondsSince1970, "owner": owner, "expires": leaseExpiresAt.millisecondsSince1970,
                    "queue": queue, "limit": limit,
                ]
            ).map(SQLiteJobRows.job)
        }
        return claimed.sorted(by: JobRecord.claimOrder)  // RETURNING gives rows in no set order
    }

    public func renewJobLease(_ lease: JobLease, expiresAt: Timestamp) async throws {
        try await write("renewJobLease") { db in
            try SQLiteJobRows.updateHeld(db, lease, set: "lease_expires_at = ?", [expiresAt.millisecondsSince1970])
        }
    }

    public func setJobProgress(_ lease: JobLease, progress: Int) async throws {
        try await write("setJobProgress") { db in
            try SQLiteJobRows.updateHeld(db, lease, set: "progress = ?", [min(100, max(0, progress))])
        }
    }

    /// The effects and the completion in one transaction: the fence is checked first, so a
    /// worker that lost its lease writes nothing; a crash before the commit loses both.
    public func completeJob(_ lease: JobLease, at: Timestamp, effects: [JobEffect]) async throws {
        try await write("completeJob") { db in
            try SQLiteJobRows.updateHeld(
                db, lease,
                set: """
                    state = 'completed', progress = 100, finished_at = ?, lease_owner = NULL, lease_expires_at = NULL
                    """, [at.millisecondsSince1970])
            for effect in effects { try SQLiteJobRows.apply(effect, db) }
        }
    }

    public func failJob(_ lease: JobLease, at: Timestamp, error: String, retryAt: Timestamp?) async throws {
        try await write("failJob") { db in
            if let retryAt {
                try SQLiteJobRows.updateHeld(
                    db, lease,
                    set: "state = 'waiting', run_at = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL",
                    [retryAt.millisecondsSince1970, error])
            } else {
                try SQLiteJobRows.updateHeld(
                    db, lease,
                    set: "state = 'failed', finished_at = ?, last_error = ?, lease_owner = NULL, lease_expires_at = NULL",
                    [at.millisecondsSince1970, error])
            }
        }
    }

    public func recoverStalledJobs(now: Timestamp) async throws -> [JobRecord] {
        try await write("recoverStalledJobs") { db in
            try Row.fetchAll(
                db,
                sql: """
                    UPDATE jobs SET
                        state = CASE WHEN attempts < max_attempts THEN 'waiting' ELSE 'failed' END,
                        run_at = CASE WHEN attempts < max_attempts THEN :now ELSE run_at END,
                        finished_at = CASE WHEN attempts < max_attempts THEN finished_at ELSE :now END,
                        last_error = :error, lease_owner = NULL, lease_expires_at = NULL
                    WHERE state = 'active' AND lease_expires_at < :now
                    RETURNING \(SQLiteJobRows.columns)
                    """,
                arguments: ["now": now.millisecondsSince1970, "error": JobStoreText.stalled]
            ).map(SQLiteJobRows.job).sorted { $0.id < $1.id }
        }
    }

    public func job(id: JobID) async throws -> JobRecord? {
        try await read("job") { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteJobRows.columns) FROM jobs WHERE id = ?", arguments: [id.rawValue])
                .map(SQLiteJobRows.job)
        }
    }

    public func jobCounts(now: Timestamp) async throws -> [String: JobCounts] {
        try await read("jobCounts") { db in
            var counts: [String: JobCounts] = [:]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT queue, CASE WHEN state = 'waiting' AND run_at > ? THEN 'delayed' ELSE state END AS visible,
                        COUNT(*) AS n
                    FROM jobs GROUP BY queue, visible
                    """, arguments: [now.millisecondsSince1970])
            for row in rows {
                let queue: String = try SQLiteRows.column(row, "queue", table: "jobs")
                let state: JobVisibleState = try SQLiteRows.enumeration(row, "visible", table: "jobs", id: queue)
                counts[queue, default: JobCounts()].count(state, by: try SQLiteRows.column(row, "n", table: "jobs"))
            }
            return counts
        }
    }

    public func nextJobDue(queue: String) async throws -> Timestamp? {
        try await read("nextJobDue") { db in
            try Int64.fetchOne(
                db, sql: "SELECT MIN(run_at) FROM jobs WHERE queue = ? AND state = 'waiting'", arguments: [queue]
            ).map(Timestamp.init(millisecondsSince1970:))
        }
    }

    public func failedJobs(queue: String?, page: PageRequest) async throws -> Page<JobRecord> {
        let limit = Pagination.clamp(page.limit)
        let before = try Pagination.start(page, listing: JobStoreText.failedListing)
        let jobs = try await read("failedJobs") { db in
            var sql = "SELECT \(SQLiteJobRows.columns) FROM jobs WHERE state = 'failed'"
            var arguments: [any DatabaseValueConvertible] = []
            if let queue {
                sql += " AND queue = ?"
                arguments.append(queue)
            }
            if let before {
                sql += " AND id < ?"
                arguments.append(before)
            }
            sql += " ORDER BY id DESC LIMIT ?"
            arguments.append(limit + 1)
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map(SQLiteJobRows.job)
        }
        return Pagination.page(jobs, limit: limit, listing: JobStoreText.failedListing) { $0.id.rawValue }
    }

    public func retryFailedJob(id: JobID, at: Timestamp) async throws -> JobRecord {
        try await write("retryFailedJob") { db in
            _ = try SQLiteJobRows.failed(db, id)
            let row = try Row.fetchOne(
                db,
                sql: """
                    UPDATE jobs SET state = 'waiting', run_at = ?, attempts = 0, progress = 0, finished_at = NULL
                    WHERE id = ? RETURNING \(SQLiteJobRows.columns)
                    """, arguments: [at.millisecondsSince1970, id.rawValue])
            guard let row else { throw StoreError.notFound(kind: "job", id: id.rawValue) }
            return try SQLiteJobRows.job(row)
        }
    }

    public func discardFailedJob(id: JobID) async throws {
        try await write("discardFailedJob") { db in
            _ = try SQLiteJobRows.failed(db, id)
            try db.execute(sql: "DELETE FROM jobs WHERE id = ?", arguments: [id.rawValue])
        }
    }

    public func purgeCompletedJobs(finishedBefore: Timestamp, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await write("purgeCompletedJobs") { db in
            try db.execute(
                sql: """
                    DELETE FROM jobs WHERE id IN (
                        SELECT id FROM jobs WHERE state = 'completed' AND finished_at < ? ORDER BY id LIMIT ?)
                    """, arguments: [finishedBefore.millisecondsSince1970, limit])
            return db.changesCount
        }
    }

    public func upsertRepeatableJob(_ schedule: RepeatableJob) async throws {
        let text = try SQLiteJobRows.scheduleText(schedule)
        try await write("upsertRepeatableJob") { db in
            if let row = try Row.fetchOne(
                db, sql: "SELECT schedule, last_tick FROM job_schedules WHERE id = ?", arguments: [schedule.id]),
                try SQLiteJobRows.schedule(row, id: schedule.id).sameSchedule(as: schedule)
            {
                return
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO job_schedules (id, schedule, last_tick) VALUES (?, ?, ?)",
                arguments: [schedule.id, text, schedule.lastTick?.millisecondsSince1970])
        }
    }

    public func repeatableJobs() async throws -> [RepeatableJob] {
        try await read("repeatableJobs") { db in
            try Row.fetchAll(db, sql: "SELECT id, schedule, last_tick FROM job_schedules ORDER BY id").map { row in
                try SQLiteJobRows.schedule(row, id: try SQLiteRows.column(row, "id", table: "job_schedules"))
            }
        }
    }

    public func advanceRepeatableJob(id: String, from: Timestamp?, to: Timestamp) async throws -> Bool {
        try await write("advanceRepeatableJob") { db in
            try db.execute(
                sql: "UPDATE job_schedules SET last_tick = ? WHERE id = ? AND last_tick IS ?",
                arguments: [to.millisecondsSince1970, id, from?.millisecondsSince1970])
            return db.changesCount == 1
        }
    }
}

/// Jobs in rows and back, and the statements every job operation shares.
enum SQLiteJobRows {
    static let columns = """
        id, queue, name, payload, priority, unique_key, state, run_at, attempts, max_attempts, backoff_initial, \
        backoff_maximum, progress, lease_owner, lease_expires_at, last_error, created_at, started_at, finished_at
        """
    static let placeholders = Array(repeating: "?", count: 19).joined(separator: ", ")

    static func arguments(_ job: JobRecord) -> StatementArguments {
        [
            job.id.rawValue, job.queue, job.name, job.payload.json, job.priority, job.uniqueKey, job.state.rawValue,
            job.runAt.millisecondsSince1970, job.attempts, job.maxAttempts, job.backoff.initialMilliseconds,
            job.backoff.maximumMilliseconds, job.progress, job.lease?.owner, job.lease?.expiresAt.millisecondsSince1970,
            job.lastError, job.createdAt.millisecondsSince1970, job.startedAt?.millisecondsSince1970,
            job.finishedAt?.millisecondsSince1970,
        ]
    }

    static func job(_ row: Row) throws -> JobRecord {
        let id: String = try SQLiteRows.column(row, "id", table: "jobs")
        func value<Value: DatabaseValueConvertible>(_ name: String) throws -> Value {
            try SQLiteRows.column(row, name, table: "jobs", id: id)
        }
        func time(_ name: String) throws -> Timestamp? {
            (try value(name) as Int64?).map(Timestamp.init(millisecondsSince1970:))
        }
        var job = JobRecord(
            id: JobID(id), queue: try value("queue"), name: try value("name"),
            payload: JobPayload(trusted: try value("payload")), priority: try value("priority"),
            uniqueKey: try value("unique_key"), runAt: try SQLiteRows.timestamp(row, "run_at", table: "jobs", id: id),
            maxAttempts: try value("max_attempts"),
            backoff: JobBackoff(
                initialMilliseconds: try value("backoff_initial"), maximumMilliseconds: try value("backoff_maximum")),
            createdAt: try SQLiteRows.timestamp(row, "created_at", table: "jobs", id: id))
        job.state = try SQLiteRows.enumeration(row, "state", table: "jobs", id: id)
        job.attempts = try value("attempts")
        job.progress = try value("progress")
        job.lastError = try value("last_error")
        job.startedAt = try time("started_at")
        job.finishedAt = try time("finished_at")
        if let owner: String = try value("lease_owner"), let expires = try time("lease_expires_at") {
            job.lease = JobLease(job: job.id, owner: owner, attempt: job.attempts, expiresAt: expires)
        }
        return job
    }

    /// Updates the job `lease` holds, or throws ``JobError/leaseLost(_:)`` having changed nothing.
    static func updateHeld(
        _ db: Database, _ lease: JobLease, set assignments: String, _ values: [(any DatabaseValueConvertible)?]
    ) throws {
        var arguments = StatementArguments(values)
        arguments += [lease.job.rawValue, lease.owner, lease.attempt]
        try db.execute(
            sql: "UPDATE jobs SET \(assignments) WHERE id = ? AND state = 'active' AND lease_owner = ? AND attempts = ?",
            arguments: arguments)
        guard db.changesCount == 1 else { throw JobError.leaseLost(lease.job) }
    }

    /// Writes one effect, skipping records whose key exists (a second commit of the same effect).
    static func apply(_ effect: JobEffect, _ db: Database) throws {
        switch effect {
        case .notifications(let batch):
            let statement = try db.cachedStatement(
                sql: """
                    INSERT INTO notifications (\(SQLiteNotificationRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (id) DO NOTHING
                    """)
            for notification in batch {
                do {
                    try statement.execute(arguments: SQLiteNotificationRows.arguments(notification))
                } catch  where SQLiteErrors.isForeignKeyViolation(error) {
                    throw StoreError.notFound(kind: "user", id: notification.user.rawValue)
                }
            }
        }
    }

    /// The failed job `id`, or why it cannot be retried or discarded.
    static func failed(_ db: Database, _ id: JobID) throws -> JobRecord {
        guard let row = try Row.fetchOne(db, sql: "SELECT \(columns) FROM jobs WHERE id = ?", arguments: [id.rawValue])
        else { throw StoreError.notFound(kind: "job", id: id.rawValue) }
        let job = try job(row)
        guard job.state == .failed else { throw JobError.notFailed(id, job.state) }
        return job
    }

    static func scheduleText(_ schedule: RepeatableJob) throws -> String {
        var stored = schedule
        stored.lastTick = nil  // kept in its own column
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(stored), as: UTF8.self)
    }

    static func schedule(_ row: Row, id: String) throws -> RepeatableJob {
        let text: String = try SQLiteRows.column(row, "schedule", table: "job_schedules", id: id)
        var schedule: RepeatableJob
        do {
            schedule = try JSONDecoder().decode(RepeatableJob.self, from: Data(text.utf8))
        } catch {
            throw StoreError.corrupt("job_schedules.schedule of \(id) does not decode: \(error)")
        }
        let lastTick: Int64? = try SQLiteRows.column(row, "last_tick", table: "job_schedules", id: id)
        schedule.lastTick = lastTick.map(Timestamp.init(millisecondsSince1970:))
        return schedule
    }
}
