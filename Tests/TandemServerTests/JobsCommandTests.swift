// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemJobs
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

/// `tandem jobs list|failed|retry|discard` against a store file.
@Suite struct JobsCommandTests {
    @Test func listFailedRetryAndDiscard() async throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/tandem.sqlite"
        let store = try SQLiteStore(path: path, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        try await store.migrate()
        let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
        var ids: [JobID] = []
        for offset in 0..<2 {
            let id: JobID = IdentifierGenerator().make("job", at: UInt64(now.millisecondsSince1970 + Int64(offset)))
            _ = try await store.enqueueJob(
                JobRecord(id: id, queue: "mail", name: "send", runAt: now, maxAttempts: 1, createdAt: now))
            ids.append(id)
        }
        for job in try await store.claimJobs(
            queue: "mail", owner: "t", now: now, leaseExpiresAt: now.adding(seconds: 30), limit: 2)
        {
            try await store.failJob(job.lease!, at: now, error: "boom \(job.id)", retryAt: nil)
        }
        try await store.close()
        let common = ["--store", "sqlite:\(path)"]

        let list = try await TandemProcess.runSucceeding(["jobs", "list"] + common, in: directory.path)
        #expect(list.contains("QUEUE") && list.contains("mail"), "\(list)")
        let failed = try await TandemProcess.runSucceeding(["jobs", "failed", "--queue", "mail"] + common, in: directory.path)
        #expect(ids.allSatisfy { failed.contains($0.rawValue) } && failed.contains("boom"), "\(failed)")

        let retried = try await TandemProcess.runSucceeding(["jobs", "retry", ids[0].rawValue] + common, in: directory.path)
        #expect(retried.contains("waiting again"), "\(retried)")
        let again = try await TandemProcess.run(["jobs", "retry", ids[0].rawValue] + common, in: directory.path)
        #expect(again.status != 0 && again.stderr.contains("is waiting"), "\(again.stderr)")
        let discarded = try await TandemProcess.runSucceeding(["jobs", "discard", ids[1].rawValue] + common, in: directory.path)
        #expect(discarded.contains("discarded"), "\(discarded)")
        let missing = try await TandemProcess.run(["jobs", "discard", ids[1].rawValue] + common, in: directory.path)
        #expect(missing.status != 0 && missing.stderr.contains("no job"), "\(missing.stderr)")

        let reopened = try SQLiteStore(path: path, logger: Logger(label: "t") { _ in SwiftLogNoOpLogHandler() })
        #expect(try await reopened.job(id: ids[0])?.state == .waiting)
        #expect(try await reopened.job(id: ids[1]) == nil)
        try await reopened.close()
    }
}
