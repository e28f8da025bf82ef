// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemJobs
import TandemServer
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

@testable import TandemApp

/// Retention as a job: its schedule comes from the settings, and a run also deletes completed
/// jobs older than `retention.completedJobDays`, in batches.
@Suite struct RetentionJobTests {
    static let logger = Logger(label: "tandem.tests.retention-job") { _ in SwiftLogNoOpLogHandler() }

    @Test func aRunDeletesOldCompletedJobsInBatches() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        let clock = ManualClock()
        let start = clock.now()
        var ids: [JobID] = []
        for index in 0..<5 {
            let id: JobID = IdentifierGenerator().make("job", at: UInt64(start.millisecondsSince1970 + Int64(index)))
            _ = try await store.enqueueJob(JobRecord(id: id, queue: "q", name: "n", runAt: start, createdAt: start))
            ids.append(id)
        }
        let claimed = try await store.claimJobs(
            queue: "q", owner: "t", now: start, leaseExpiresAt: start.adding(seconds: 30), limit: 5)
        // Three finish now, two eight days later.
        for (index, job) in claimed.enumerated() {
            let at = index < 3 ? start : start.adding(seconds: 8 * 86_400)
            try await store.completeJob(job.lease!, at: at, effects: [])
        }
        clock.advance(milliseconds: 9 * 86_400_000)
        var settings = TandemConfiguration().retention
        settings.completedJobDays = 7
        settings.batchSize = 2
        let job = try RetentionJob.schedule(settings, now: clock.now()).job(
            tick: clock.now(), id: JobID("job_retention"), createdAt: clock.now())
        let context = JobContext(
            lease: JobLease(job: job.id, owner: "t", attempt: 1, expiresAt: clock.now()), store: store, clock: clock)
        #expect(try await RetentionJob(store: store, settings: settings, logger: Self.logger).run(job, context: context).isEmpty)
        for (index, id) in ids.enumerated() {
            #expect((try await store.job(id: id) == nil) == (index < 3), "job \(index)")
        }
        try await store.close()
    }

    @Test func theScheduleFollowsTheSettings() throws {
        var settings = TandemConfiguration().retention
        settings.cron = "30 2 * * *"
        settings.timeZone = "Europe/Berlin"
        let schedule = try RetentionJob.schedule(settings, now: Timestamp(millisecondsSince1970: 0))
        #expect(schedule.id == "retention" && schedule.queue == "maintenance" && schedule.name == "retention")
        #expect(schedule.cron == "30 2 * * *" && schedule.timeZone == "Europe/Berlin")
    }
}
