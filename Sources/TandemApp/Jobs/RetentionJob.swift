// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemJobs
import TandemServer
import TandemStore

/// Purges what `retention.*` allows: closed tickets, read notifications, op-log entries
/// the snapshots no longer need, and completed jobs. A repeatable job on `retention.cron` (once per tick across
/// the nodes); a run interrupted by a shutdown or a crash runs again, and a second run only
/// finds less to delete (the purge is idempotent, so it needs no effect record).
struct RetentionJob: JobHandler {
    static let queue = "maintenance"
    static let name = "retention"

    let store: any TandemStore
    let settings: TandemConfiguration.Retention
    let logger: Logger

    func run(_ job: JobRecord, context: JobContext) async throws -> [JobEffect] {
        let now = context.now()
        let report = try await store.purge(Self.policy(settings, now: now))
        var jobs = 0
        if settings.completedJobDays > 0 {
            let cutoff = now.adding(seconds: -Int64(settings.completedJobDays) * 86_400)
            while true {
                try Task.checkCancellation()
                let deleted = try await store.purgeCompletedJobs(finishedBefore: cutoff, limit: settings.batchSize)
                jobs += deleted
                if deleted < settings.batchSize { break }
            }
        }
        logger.debug(
            "retention run finished", metadata: ["purged": "\(report)", "completedJobs": "\(jobs)", "job": "\(job.id)"])
        return []
    }

    /// The schedule the settings describe.
    static func schedule(_ settings: TandemConfiguration.Retention, now: Timestamp) throws -> RepeatableJob {
        try RepeatableJob(
            id: name, queue: queue, name: name, cron: settings.cron, timeZone: settings.timeZone, maxAttempts: 3,
            backoff: JobBackoff(initialMilliseconds: 60_000, maximumMilliseconds: 3_600_000), createdAt: now)
    }

    /// The policy the settings describe at `now`.
    static func policy(_ settings: TandemConfiguration.Retention, now: Timestamp) -> RetentionPolicy {
        func days(_ count: Int) -> Duration? { count > 0 ? .seconds(Int64(count) * 86_400) : nil }
        return RetentionPolicy(
            now: now, closedTicketAge: days(settings.closedTicketDays),
            readNotificationAge: days(settings.readNotificationDays), opLogAge: days(settings.opLogDays),
            opLogMargin: Int64(settings.opLogMarginVersions), batchLimit: settings.batchSize)
    }
}
