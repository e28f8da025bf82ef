// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemJobs
import TandemStore

/// Removes attachment bytes no record names and uploads a killed process left behind
/// (``OrphanSweep``), hourly on the `maintenance` queue, once per tick across the nodes.
/// Sparing whatever is younger than an hour, a pass is safe on any node at any time; one
/// interrupted runs again and only finds less to remove, so it needs no effect record.
struct OrphanSweepJob: JobHandler {
    static let name = "attachments.orphans"
    /// Bytes and uploads younger than this are kept (their record may be on its way).
    static let graceMilliseconds: Int64 = 3_600_000

    let sweep: OrphanSweep
    let logger: Logger

    func run(_ job: JobRecord, context: JobContext) async throws -> [JobEffect] {
        let outcome = try await sweep.run(now: context.now(), grace: Self.graceMilliseconds)
        if outcome.orphans > 0 || outcome.abandonedUploads > 0 {
            logger.info(
                "attachment sweep removed unreferenced bytes",
                metadata: ["orphans": "\(outcome.orphans)", "abandonedUploads": "\(outcome.abandonedUploads)"])
        }
        return []
    }

    /// Hourly, at minute 17 (UTC): away from the top of the hour, where retention runs by default.
    static func schedule(now: Timestamp) throws -> RepeatableJob {
        try RepeatableJob(
            id: name, queue: RetentionJob.queue, name: name, cron: "17 * * * *", timeZone: "UTC", maxAttempts: 3,
            backoff: JobBackoff(initialMilliseconds: 60_000, maximumMilliseconds: 3_600_000), createdAt: now)
    }
}
