// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization
import TandemApp
import TandemCore
import TandemJobs
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

/// Issue 14's bar: 10,000 delayed jobs due at the same instant all start within 2 s on one
/// node. A measurement, not a unit test: run by `scripts/bench-jobs.sh` (TANDEM_BENCH_JOBS=1).
/// A real SQLite file (synchronous=FULL), the runner as `tandem serve` builds it but with one
/// queue of concurrency 10,000 and the default 200 ms poll. Job time is a test clock held
/// before the jobs' due instant while they are enqueued (one transaction each), then set to it:
/// the moment the jobs fall due. Starts are measured in real time from that moment.
@Suite(.serialized, .enabled(if: ProcessInfo.processInfo.environment["TANDEM_BENCH_JOBS"] != nil))
struct JobBurstBenchmark {
    static let logger = Logger(label: "tandem.bench.jobs") { _ in SwiftLogNoOpLogHandler() }

    @Test(arguments: [0, 3_000])
    func tenThousandDelayedJobsDueAtOnce(handlerMilliseconds: Int) async throws {
        let count = Int(ProcessInfo.processInfo.environment["TANDEM_BENCH_JOBS_COUNT"] ?? "") ?? 10_000
        let directory = try TemporaryDirectory()
        let store = try SQLiteStore(path: "\(directory.path)/bench.sqlite", logger: Self.logger)
        try await store.migrate()
        let clock = ManualClock()
        let due = clock.now().adding(seconds: 60)
        let generator = IdentifierGenerator()
        let enqueueStart = ContinuousClock.now
        for index in 0..<count {
            let id: JobID = generator.make("job", at: UInt64(clock.now().millisecondsSince1970))
            _ = try await store.enqueueJob(
                JobRecord(
                    id: id, queue: "burst", name: "x", payload: try JobPayload(json: "{\"n\":\(index)}"), runAt: due,
                    createdAt: clock.now()))
        }
        let enqueueTime = ContinuousClock.now - enqueueStart
        let starts = Mutex<[Duration]>([])
        let dueAt = Mutex<ContinuousClock.Instant?>(nil)
        let handler = JobHandlerFunction { _, _ in
            let now = ContinuousClock.now
            starts.withLock { $0.append(now - dueAt.withLock { $0! }) }
            if handlerMilliseconds > 0 { try await Task.sleep(for: .milliseconds(handlerMilliseconds)) }
            return []
        }
        var settings = JobRunner.Settings(owner: "bench")
        settings.pollInterval = .milliseconds(200)
        let runner = JobRunner(
            store: store, clock: clock, queues: [JobQueue(name: "burst", handlers: ["x": handler], concurrency: 10_000)],
            settings: settings, logger: Self.logger)
        let task = Task { try await runner.run() }
        try await Task.sleep(for: .seconds(1))
        dueAt.withLock { $0 = ContinuousClock.now }
        clock.advance(milliseconds: 60_000)
        #expect(await waitUntil(.seconds(120)) { starts.withLock { $0.count } == count })
        let all = starts.withLock { $0 }.sorted()
        func ms(_ duration: Duration?) -> Int64 {
            guard let duration else { return -1 }
            return duration.components.seconds * 1000 + duration.components.attoseconds / 1_000_000_000_000_000
        }
        let last = ms(all.last)
        let median = all.isEmpty ? -1 : ms(all[all.count / 2])
        let finished = await waitUntil(.seconds(300)) {
            (try? await store.jobCounts(now: clock.now()))?["burst"]?.completed == count
        }
        let done = ContinuousClock.now
        task.cancel()
        _ = await task.result
        print(
            "BENCH jobs=\(count) handler=\(handlerMilliseconds)ms enqueue=\(enqueueTime) "
                + "first_start=+\(ms(all.first))ms median_start=+\(median)ms "
                + "last_start=+\(last)ms all_completed=\(finished) at \(done)")
        #expect(last <= 2_000, "the last of \(count) jobs started \(last) ms after they were due")
        try await store.close()
    }
}
