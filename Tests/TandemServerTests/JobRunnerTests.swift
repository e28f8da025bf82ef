// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Prometheus
import Synchronization
import TandemApp
import TandemCore
import TandemJobs
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

/// The job runner over a real store and a test clock: job time (due, leases, backoff) moves
/// only when a test moves it; the runner polls every few milliseconds of real time.
@Suite struct JobRunnerTests {
    static let logger = Logger(label: "tandem.tests.jobs") { _ in SwiftLogNoOpLogHandler() }
    let clock = ManualClock()

    /// Records what ran, in order, and can hold runs back.
    final class Probe: Sendable {
        let started = Mutex<[String]>([])
        let gate = Mutex(true)
        let failuresLeft = Mutex(0)

        func handler(effects: @escaping @Sendable (JobRecord) -> [JobEffect] = { _ in [] }) -> JobHandlerFunction {
            JobHandlerFunction { job, _ in
                self.started.withLock { $0.append(job.name) }
                while !self.gate.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
                if self.failuresLeft.withLock({ left in
                    defer { left = max(0, left - 1) }
                    return left > 0
                }) {
                    throw Failure()
                }
                return effects(job)
            }
        }

        var names: [String] { started.withLock { $0 } }
        struct Failure: Error {}
    }

    func settings(_ owner: String = "node-a") -> JobRunner.Settings {
        var settings = JobRunner.Settings(owner: owner)
        settings.pollInterval = .milliseconds(5)
        settings.housekeepingInterval = .milliseconds(5)
        settings.renewInterval = .milliseconds(20)
        settings.leaseMilliseconds = 30_000
        return settings
    }

    func job(
        _ name: String, queue: String = "q", priority: Int = 0, runAt: Timestamp? = nil, maxAttempts: Int = 3
    )
        -> JobRecord
    {
        let id: JobID = IdentifierGenerator().make("job", at: UInt64(clock.now().millisecondsSince1970))
        return JobRecord(
            id: id, queue: queue, name: name, priority: priority, runAt: runAt ?? clock.now(), maxAttempts: maxAttempts,
            backoff: JobBackoff(initialMilliseconds: 1_000, maximumMilliseconds: 10_000), createdAt: clock.now())
    }

    /// Runs `runner` while `body` runs, then stops it.
    func running(_ runners: JobRunner..., body: () async throws -> Void) async throws {
        let tasks = runners.map { runner in Task { try await runner.run() } }
        defer { tasks.forEach { $0.cancel() } }
        try await body()
        for task in tasks {
            task.cancel()
            _ = await task.result
        }
    }

    func state(_ store: any JobStore, _ id: JobID) async -> JobState? { try? await store.job(id: id)?.state }

    @Test func dueJobsRunAndDelayedOnesWaitForTheirTime() async throws {
        let store = InMemoryJobStore()
        let probe = Probe()
        let runner = JobRunner(
            store: store, clock: clock,
            queues: [JobQueue(name: "q", handlers: ["now": probe.handler(), "later": probe.handler()])],
            settings: settings(), logger: Self.logger)
        let now = try await store.enqueueJob(job("now")).job
        let later = try await store.enqueueJob(job("later", runAt: clock.now().adding(seconds: 60))).job
        try await running(runner) {
            #expect(await waitUntil { await state(store, now.id) == .completed })
            try await Task.sleep(for: .milliseconds(100))
            #expect(await state(store, later.id) == .waiting)
            clock.advance(milliseconds: 60_000)
            #expect(await waitUntil { await state(store, later.id) == .completed })
        }
        #expect(probe.names == ["now", "later"])
    }

    @Test func prioritiesAndConcurrencyHold() async throws {
        let store = InMemoryJobStore()
        let probe = Probe()
        probe.gate.withLock { $0 = false }
        let handler = probe.handler()
        let runner = JobRunner(
            store: store, clock: clock,
            queues: [JobQueue(name: "q", handlers: ["a": handler, "b": handler, "c": handler, "d": handler], concurrency: 2)],
            settings: settings(), logger: Self.logger)
        for (name, priority) in [("a", 0), ("b", 5), ("c", 1), ("d", 9)] {
            _ = try await store.enqueueJob(job(name, priority: priority))
        }
        try await running(runner) {
            #expect(await waitUntil { probe.names.count == 2 })
            try await Task.sleep(for: .milliseconds(100))
            #expect(Set(probe.names) == ["d", "b"], "the two highest priorities first")
            #expect(runner.activeCount(queue: "q") == 2)
            #expect(await store.jobCounts(now: clock.now())["q"] == JobCounts(waiting: 2, active: 2))
            probe.gate.withLock { $0 = true }
            #expect(await waitUntil { await store.jobCounts(now: clock.now())["q"]?.completed == 4 })
        }
        #expect(probe.names.suffix(2) == ["c", "a"])
    }

    @Test func aRateLimitSpacesStarts() async throws {
        let store = InMemoryJobStore()
        let probe = Probe()
        let runner = JobRunner(
            store: store, clock: clock,
            queues: [JobQueue(name: "q", handlers: ["x": probe.handler()], concurrency: 50, ratePerSecond: 2)],
            settings: settings(), logger: Self.logger)
        for _ in 0..<10 { _ = try await store.enqueueJob(job("x")) }
        try await running(runner) {
            #expect(await waitUntil { probe.names.count == 2 })
            try await Task.sleep(for: .milliseconds(150))
            #expect(probe.names.count == 2, "two a second, and no time passed")
            clock.advance(milliseconds: 1_000)
            #expect(await waitUntil { probe.names.count == 4 })
            try await Task.sleep(for: .milliseconds(150))
            #expect(probe.names.count == 4)
        }
    }

    @Test func failuresBackOffThenLandInTheFailedSet() async throws {
        let store = InMemoryJobStore()
        let probe = Probe()
        probe.failuresLeft.withLock { $0 = 5 }
        let runner = JobRunner(
            store: store, clock: clock, queues: [JobQueue(name: "q", handlers: ["x": probe.handler()])],
            settings: settings(), logger: Self.logger)
        let failing = try await store.enqueueJob(job("x", maxAttempts: 2)).job
        let start = clock.now()
        try await running(runner) {
            #expect(await waitUntil { await store.job(id: failing.id)?.lastError != nil })
            let retry = try #require(await store.job(id: failing.id))
            #expect(retry.state == .waiting && retry.attempts == 1)
            #expect(retry.runAt >= start.adding(milliseconds: 500) && retry.runAt <= start.adding(milliseconds: 1_000))
            clock.advance(milliseconds: 1_000)
            #expect(await waitUntil { await state(store, failing.id) == .failed })
        }
        #expect(probe.names.count == 2)
        #expect(try await store.failedJobs(queue: nil, page: PageRequest()).items.map(\.id) == [failing.id])
    }

    /// A node died holding a job: once its lease expires another node runs it, and the
    /// effect (a notification keyed by the job) exists once, also when the dead node's run
    /// got as far as writing it.
    @Test func aDeadWorkersJobRunsAgainAndItsEffectHappensOnce() async throws {
        let sqlite = try SQLiteStore.temporary(logger: Self.logger)
        try await sqlite.migrate()
        var fixtures = StoreFixturesLite()
        let user = fixtures.user()
        try await sqlite.createUser(user)
        let probe = Probe()
        let effect: @Sendable (JobRecord) -> [JobEffect] = { job in
            [.notifications([Self.notification(job.id, to: user.id, at: job.createdAt)])]
        }
        let enqueued = try await sqlite.enqueueJob(job("notify")).job
        // The dead node: claimed it, wrote the effect, never completed.
        let dead = try #require(
            try await sqlite.claimJobs(
                queue: "q", owner: "dead", now: clock.now(), leaseExpiresAt: clock.now().adding(seconds: 30), limit: 1
            ).first)
        try await sqlite.createNotifications([Self.notification(dead.id, to: user.id, at: dead.createdAt)])
        let runner = JobRunner(
            store: sqlite, clock: clock, queues: [JobQueue(name: "q", handlers: ["notify": probe.handler(effects: effect)])],
            settings: settings("node-b"), logger: Self.logger)
        try await running(runner) {
            try await Task.sleep(for: .milliseconds(100))
            #expect(await state(sqlite, enqueued.id) == .active, "the lease still holds")
            clock.advance(milliseconds: 31_000)
            #expect(await waitUntil { await state(sqlite, enqueued.id) == .completed })
        }
        let stored = try #require(try await sqlite.job(id: enqueued.id))
        #expect(stored.attempts == 2)
        let notifications = try await sqlite.notifications(of: user.id, unreadOnly: false, page: PageRequest())
        #expect(notifications.items.count == 1)
        try await sqlite.close()
    }

    /// A worker paused past its lease loses the job to another node; its late completion is
    /// refused and the effect is written by the run that holds the lease, once.
    @Test func aWorkerThatLostItsLeaseAbandonsTheRun() async throws {
        let store = InMemoryJobStore()
        let slowProbe = Probe()
        slowProbe.gate.withLock { $0 = false }
        let fastProbe = Probe()
        let user = UserID("usr_1")
        let effect: @Sendable (JobRecord) -> [JobEffect] = { job in
            [.notifications([Self.notification(job.id, to: user, at: job.createdAt)])]
        }
        var paused = settings("slow")
        paused.renewInterval = .seconds(3_600)  // paused: it never gets to renew
        let slow = JobRunner(
            store: store, clock: clock, queues: [JobQueue(name: "q", handlers: ["x": slowProbe.handler(effects: effect)])],
            settings: paused, logger: Self.logger)
        let enqueued = try await store.enqueueJob(job("x")).job
        try await running(slow) {
            #expect(await waitUntil { slowProbe.names.count == 1 })
            clock.advance(milliseconds: 31_000)
            let fast = JobRunner(
                store: store, clock: clock, queues: [JobQueue(name: "q", handlers: ["x": fastProbe.handler(effects: effect)])],
                settings: settings("fast"), logger: Self.logger)
            try await running(fast) {
                #expect(await waitUntil { await state(store, enqueued.id) == .completed })
            }
            slowProbe.gate.withLock { $0 = true }
            #expect(await waitUntil { slow.activeCount(queue: "q") == 0 })
        }
        #expect(await store.notifications.count == 1)
        #expect(try await store.job(id: enqueued.id)?.attempts == 2)
    }

    /// Three nodes serve one schedule: every tick becomes one job and runs once.
    @Test func aRepeatableJobFiresOncePerTickAcrossNodes() async throws {
        let sqlite = try SQLiteStore.temporary(logger: Self.logger)
        try await sqlite.migrate()
        let probe = Probe()
        let schedule = try RepeatableJob(
            id: "every-minute", queue: "q", name: "tick", cron: "* * * * *", timeZone: "UTC", createdAt: clock.now())
        let runners = ["a", "b", "c"].map { node in
            JobRunner(
                store: sqlite, clock: clock, queues: [JobQueue(name: "q", handlers: ["tick": probe.handler()])],
                schedules: [schedule], settings: settings(node), logger: Self.logger)
        }
        try await running(runners[0], runners[1], runners[2]) {
            for minute in 1...5 {
                clock.advance(milliseconds: 60_000)
                #expect(await waitUntil { await (try? sqlite.jobCounts(now: clock.now()))?["q"]?.completed == minute })
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        #expect(probe.names.count == 5)
        let counts = try await sqlite.jobCounts(now: clock.now())["q"]
        #expect(counts?.completed == 5 && counts?.failed == 0)
        try await sqlite.close()
    }

    /// A shutdown (the runner cancelled) interrupts a running job and gives it back, due at
    /// once, so the next start runs it without waiting for its lease to expire.
    @Test func aShutdownGivesRunningJobsBack() async throws {
        let sqlite = try SQLiteStore.temporary(logger: Self.logger)
        try await sqlite.migrate()
        let probe = Probe()
        probe.gate.withLock { $0 = false }
        let runner = JobRunner(
            store: sqlite, clock: clock, queues: [JobQueue(name: "q", handlers: ["x": probe.handler()])],
            settings: settings(), logger: Self.logger)
        let enqueued = try await sqlite.enqueueJob(job("x")).job
        let task = Task { try await runner.run() }
        #expect(await waitUntil { probe.names.count == 1 })
        task.cancel()
        _ = await task.result
        let stored = try #require(try await sqlite.job(id: enqueued.id))
        #expect(stored.state == .waiting && stored.runAt == clock.now() && stored.lease == nil, "\(stored)")
        #expect(stored.lastError?.contains("CancellationError") == true, "\(stored)")
        try await sqlite.close()
    }

    /// Per queue on /metrics: the states' counts, the wait and run times, stalled jobs.
    @Test func queuesShowUpInTheMetrics() async throws {
        let store = InMemoryJobStore()
        let probe = Probe()
        probe.failuresLeft.withLock { $0 = 1 }
        let registry = PrometheusCollectorRegistry()
        let runner = JobRunner(
            store: store, clock: clock, queues: [JobQueue(name: "mail", handlers: ["x": probe.handler()])],
            settings: settings(), metrics: PrometheusMetricsFactory(registry: registry), logger: Self.logger)
        let failing = try await store.enqueueJob(job("x", queue: "mail", maxAttempts: 1)).job
        _ = try await store.enqueueJob(job("x", queue: "mail", runAt: clock.now().adding(seconds: 600)))
        try await running(runner) {
            #expect(await waitUntil { await state(store, failing.id) == .failed })
            #expect(
                await waitUntil {
                    registry.emitToString().contains(#"tandem_jobs{queue="mail",state="failed"} 1"#)
                })
        }
        let text = registry.emitToString()
        #expect(text.contains(#"tandem_jobs{queue="mail",state="delayed"} 1"#), "\(text)")
        #expect(text.contains(#"tandem_jobs{queue="mail",state="waiting"} 0"#), "\(text)")
        #expect(text.contains(#"tandem_job_wait_seconds_count{queue="mail"} 1"#), "\(text)")
        #expect(text.contains(#"tandem_job_run_seconds_count{queue="mail",outcome="failed"} 1"#), "\(text)")
    }

    static func notification(_ job: JobID, to user: UserID, at: Timestamp) -> UserNotification {
        UserNotification(
            id: JobEffectKey.notificationID(job: job, name: "breach"), user: user, kind: .ticketUpdated,
            ticket: TicketID("tkt_1"), actor: user, text: "Breached", createdAt: at)
    }
}

/// Users for these tests.
struct StoreFixturesLite {
    var count = 0
    mutating func user() -> User {
        count += 1
        let now = Timestamp(millisecondsSince1970: 1_800_000_000_000)
        let id: UserID = IdentifierGenerator().make("usr", at: UInt64(now.millisecondsSince1970 + Int64(count)))
        return User(
            id: id, email: "\(id.rawValue.lowercased())@example.com", name: "Ada", role: .agent,
            passwordHash: "$2b$12$abcdefghijklmnopqrstuv", disabled: false, createdAt: now, updatedAt: now)
    }
}
