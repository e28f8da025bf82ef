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

/// The attachment orphan sweep as a job of the engine: scheduled hourly on the maintenance
/// queue, and a run removes the bytes no record names once they are older than an hour.
@Suite struct OrphanSweepJobTests {
    static let logger = Logger(label: "tandem.tests.orphan-sweep-job") { _ in SwiftLogNoOpLogHandler() }

    @Test func aRunRemovesUnnamedBytesPastTheGrace() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        let storage = InMemoryAttachmentStorage { Timestamp(millisecondsSince1970: 1_000) }
        let orphan = try await storage.put(Array("nobody names me".utf8))
        let clock = ManualClock()
        let schedule = try OrphanSweepJob.schedule(now: clock.now())
        #expect(schedule.queue == "maintenance" && schedule.cron == "17 * * * *")
        let job = try schedule.job(tick: clock.now(), id: JobID("job_sweep"), createdAt: clock.now())
        let context = JobContext(
            lease: JobLease(job: job.id, owner: "t", attempt: 1, expiresAt: clock.now()), store: store, clock: clock)
        let handler = OrphanSweepJob(sweep: OrphanSweep(store: store, storage: storage), logger: Self.logger)
        #expect(try await storage.size(of: orphan.address) != nil)
        #expect(try await handler.run(job, context: context).isEmpty)
        #expect(try await storage.size(of: orphan.address) == nil)
        try await store.close()
    }

    @Test func theEngineSchedulesTheSweep() throws {
        let engine = try JobEngine.runner(
            store: try SQLiteStore.temporary(logger: Self.logger), configuration: TandemConfiguration(),
            clock: ManualClock(), registry: .init(), attachmentStorage: InMemoryAttachmentStorage(), logger: Self.logger)
        #expect(engine.schedules.map(\.id).contains(OrphanSweepJob.name))
    }
}
