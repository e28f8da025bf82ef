// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemJobs
import TandemServer
import TandemStore

/// Purges what `retention.*` allows: closed tickets, read notifications and op-log entries
/// the snapshots no longer need. A repeatable job on `retention.cron` (once per tick across
/// the nodes); a run interrupted by a shutdown or a crash runs again, and a second run only
/// finds less to delete (the purge is idempotent, so it needs no effect record).
struct RetentionJob: JobHandler {
    static let queue = "maintenance"
    static let name = "retention"

    let store: any TandemStore
    let settings: TandemConfiguration.Retention
    let logger: Logger

    func run(_ job: JobRecord, context: JobContext) async throws -> [JobEffect] {
        let report = try await store.purge(Self.policy(settings, now: context.now()))
        logger.debug("retention run finished", metadata: ["purged": "\(report)", "job": "\(job.id)"])
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
