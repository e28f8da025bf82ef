// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Metrics
import ServiceLifecycle
import Synchronization
import TandemCore
import TandemJobs
import TandemStore

/// Runs the jobs of its queues on this node (docs/JOBS.md): claims due jobs under a lease
/// (up to each queue's concurrency and rate), renews the lease while a handler runs, commits
/// the handler's effects with the completion, retries failures after a backoff, takes back
/// jobs whose worker died (an expired lease, any node's), and enqueues each repeatable
/// schedule's ticks (once per tick across nodes, by the tick's unique key).
///
/// Time for jobs (due, leases, backoff) is `clock`'s; how often it looks is real time
/// (`settings`), so a test moves a manual clock and waits a few polls, never minutes.
public final class JobRunner: Service, Sendable {
    public struct Settings: Sendable {
        /// This runner's name in leases: the node and something unique per start.
        public var owner: String
        /// How long a claim holds a job without renewal.
        public var leaseMilliseconds: Int64 = 30_000
        /// Real time between looks for due jobs, stalled jobs and repeat ticks.
        public var pollInterval: Duration = .milliseconds(200)
        /// Real time between the looks that cost a scan: stalled jobs, repeat ticks, the counts
        /// behind the metrics (claims happen every poll).
        public var housekeepingInterval: Duration = .seconds(1)
        /// Real time between lease renewals of a running job (well inside the lease).
        public var renewInterval: Duration = .seconds(10)
        /// The most jobs one claim takes. Large: a burst of due jobs is claimed in one store
        /// operation before the completions of the first ones queue up for the same writer.
        public var claimBatch = 10_000

        public init(owner: String) { self.owner = owner }
    }

    let store: any JobStore
    let clock: any TandemClock
    let queues: [JobQueue]
    let schedules: [RepeatableJob]
    let settings: Settings
    let metrics: JobMetrics?
    let logger: Logger
    private let state = Mutex(RunnerState())

    struct RunnerState {
        var active: [String: Int] = [:]
        /// Token buckets of rate-limited queues: tokens and when they were last filled (clock ms).
        var tokens: [String: (tokens: Double, at: Int64)] = [:]
        /// The tick each schedule has a job for already (skips a store round trip per poll).
        var enqueuedTicks: [String: Timestamp] = [:]
        var random = SystemRandomNumberGenerator()
    }

    public init(
        store: any JobStore, clock: any TandemClock, queues: [JobQueue], schedules: [RepeatableJob] = [],
        settings: Settings, metrics: (any MetricsFactory)? = nil, logger: Logger
    ) {
        self.store = store
        self.clock = clock
        self.queues = queues
        self.schedules = schedules
        self.settings = settings
        self.metrics = metrics.map(JobMetrics.init(factory:))
        var logger = logger
        logger[metadataKey: "component"] = "jobs"
        self.logger = logger
    }

    /// Jobs of `queue` running on this node now.
    public func activeCount(queue: String) -> Int { state.withLock { $0.active[queue, default: 0] } }

    public func run() async throws {
        for schedule in schedules {
            do {
                try await store.upsertRepeatableJob(schedule)
            } catch {
                logger.error("cannot store a repeatable job", metadata: ["schedule": "\(schedule.id)", "error": "\(error)"])
            }
        }
        logger.info(
            "job runner started",
            metadata: ["owner": "\(settings.owner)", "queues": "\(queues.map(\.name))", "schedules": "\(schedules.map(\.id))"])
        await withDiscardingTaskGroup { group in
            var lastHousekeeping: ContinuousClock.Instant?
            while !Task.isCancelled && !Self.shuttingDown() {
                let started = ContinuousClock.now
                let housekeeping = lastHousekeeping.map { started - $0 >= settings.housekeepingInterval } ?? true
                if housekeeping { lastHousekeeping = started }
                await poll(group: &group, housekeeping: housekeeping)
                do {
                    try await cancelWhenGracefulShutdown { try await Task.sleep(for: self.settings.pollInterval) }
                } catch {
                    break
                }
            }
            // Shutting down: running jobs are cancelled; each gives its job back (see `execute`).
            group.cancelAll()
        }
        logger.info("job runner stopped")
    }

    private static func shuttingDown() -> Bool { Task.isShuttingDownGracefully }

    /// One look: stalled jobs and repeat ticks (when `housekeeping`), then due jobs of every
    /// queue (with free slots), then the metrics' counts (when `housekeeping`).
    func poll(group: inout DiscardingTaskGroup, housekeeping: Bool) async {
        let now = clock.now()
        if housekeeping {
            await recoverStalled(now: now)
            await enqueueTicks(now: now)
        }
        for queue in queues {
            // Claim batch after batch while they come back full and slots remain: a burst of due
            // jobs starts within a few claims, not one batch per poll.
            while true {
                let limit = slots(queue, now: now)
                guard limit > 0 else { break }
                let claimed: [JobRecord]
                do {
                    claimed = try await store.claimJobs(
                        queue: queue.name, owner: settings.owner, now: now,
                        leaseExpiresAt: now.adding(milliseconds: settings.leaseMilliseconds), limit: limit)
                } catch {
                    logger.warning("claim failed", metadata: ["queue": "\(queue.name)", "error": "\(error)"])
                    break
                }
                take(claimed.count, from: queue, now: now)
                for job in claimed {
                    group.addTask { await self.execute(job, queue: queue) }
                }
                if claimed.count < limit { break }
            }
        }
        if housekeeping, let metrics, let counts = try? await store.jobCounts(now: now) {
            metrics.record(counts)
        }
    }

    /// How many jobs `queue` may start now: free slots, tokens, the batch size.
    private func slots(_ queue: JobQueue, now: Timestamp) -> Int {
        state.withLock { state in
            var free = min(queue.concurrency - state.active[queue.name, default: 0], settings.claimBatch)
            if let rate = queue.ratePerSecond {
                var bucket = state.tokens[queue.name] ?? (rate, now.millisecondsSince1970)
                let elapsed = Double(max(0, now.millisecondsSince1970 - bucket.at)) / 1000
                bucket = (min(max(rate, 1), bucket.tokens + elapsed * rate), now.millisecondsSince1970)
                state.tokens[queue.name] = bucket
                free = min(free, Int(bucket.tokens))
            }
            return max(0, free)
        }
    }

    private func take(_ count: Int, from queue: JobQueue, now: Timestamp) {
        guard count > 0 else { return }
        state.withLock { state in
            state.active[queue.name, default: 0] += count
            if queue.ratePerSecond != nil, var bucket = state.tokens[queue.name] {
                bucket.tokens -= Double(count)
                state.tokens[queue.name] = bucket
            }
        }
    }

    private func recoverStalled(now: Timestamp) async {
        do {
            let recovered = try await store.recoverStalledJobs(now: now)
            guard !recovered.isEmpty else { return }
            logger.warning(
                "recovered stalled jobs", metadata: ["jobs": "\(recovered.map { "\($0.id) \($0.state.rawValue)" })"])
            for (queue, jobs) in Dictionary(grouping: recovered, by: \.queue) {
                metrics?.stalled(queue: queue, count: jobs.count)
            }
        } catch {
            logger.warning("stalled-job recovery failed", metadata: ["error": "\(error)"])
        }
    }

    /// Makes sure each schedule's next tick has its job; advances past ticks that are due.
    func enqueueTicks(now: Timestamp) async {
        guard !schedules.isEmpty else { return }
        let stored: [RepeatableJob]
        do {
            stored = try await store.repeatableJobs()
        } catch {
            logger.warning("cannot read repeatable jobs", metadata: ["error": "\(error)"])
            return
        }
        let mine = Set(schedules.map(\.id))
        for var schedule in stored where mine.contains(schedule.id) {
            do {
                while let next = try schedule.nextTick(at: now) {
                    let known = state.withLock { $0.enqueuedTicks[schedule.id] }
                    if known != next.tick {
                        let id: JobID = IdentifierGenerator().make("job", at: UInt64(max(0, now.millisecondsSince1970)))
                        let result = try await store.enqueueJob(schedule.job(tick: next.tick, id: id, createdAt: now))
                        if result.inserted {
                            logger.debug(
                                "repeat tick enqueued", metadata: ["schedule": "\(schedule.id)", "tick": "\(next.tick)"])
                        }
                        state.withLock { $0.enqueuedTicks[schedule.id] = next.tick }
                    }
                    guard next.due,
                        try await store.advanceRepeatableJob(id: schedule.id, from: schedule.lastTick, to: next.tick)
                    else { break }
                    schedule.lastTick = next.tick
                }
            } catch {
                logger.warning("repeat tick failed", metadata: ["schedule": "\(schedule.id)", "error": "\(error)"])
            }
        }
    }

    private enum RunEnd: Sendable {
        case finished(Result<[JobEffect], any Error>)
        case leaseLost
    }

    /// Runs one claimed job to its end: completion with its effects, a failure, or a lost lease.
    func execute(_ job: JobRecord, queue: JobQueue) async {
        defer { state.withLock { $0.active[queue.name, default: 1] -= 1 } }
        guard let lease = job.lease else { return }
        var logger = self.logger
        logger[metadataKey: "job"] = "\(job.id)"
        logger[metadataKey: "queue"] = "\(job.queue)"
        metrics?.waited(
            queue: job.queue, milliseconds: (job.startedAt ?? clock.now()).millisecondsSince1970 - job.runAt.millisecondsSince1970
        )
        guard let handler = queue.handlers[job.name] else {
            logger.error("no handler for the job's name", metadata: ["name": "\(job.name)"])
            try? await store.failJob(lease, at: clock.now(), error: "no handler for \(job.name)", retryAt: nil)
            return
        }
        let started = ContinuousClock.now
        let context = JobContext(lease: lease, store: store, clock: clock)
        let end = await withTaskGroup(of: RunEnd?.self) { group in
            group.addTask {
                do {
                    return .finished(.success(try await handler.run(job, context: context)))
                } catch {
                    return .finished(.failure(error))
                }
            }
            group.addTask { await self.keepLease(lease) ? nil : .leaseLost }
            var end: RunEnd = .leaseLost
            for await result in group {
                guard let result else { continue }
                end = result
                break
            }
            group.cancelAll()
            return end
        }
        let elapsed = ContinuousClock.now - started
        let nanoseconds = elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000
        switch end {
        case .leaseLost:
            logger.warning("job lease lost while running; the run is abandoned")
            metrics?.ran(queue: job.queue, outcome: "lost", nanoseconds: nanoseconds)
        case .finished(.success(let effects)):
            do {
                let (store, now) = (self.store, clock.now())
                // Recorded even when the runner is being cancelled (a shutdown): the run finished.
                try await Task { try await store.completeJob(lease, at: now, effects: effects) }.value
                metrics?.ran(queue: job.queue, outcome: "completed", nanoseconds: nanoseconds)
            } catch JobError.leaseLost {
                logger.warning("job finished after its lease was lost; its completion is refused")
                metrics?.ran(queue: job.queue, outcome: "lost", nanoseconds: nanoseconds)
            } catch {
                // The job stays active until its lease expires, then runs again; its effects are keyed.
                logger.error("cannot record a job's completion", metadata: ["error": "\(error)"])
            }
        case .finished(.failure(let error)):
            let now = clock.now()
            let shutdown = error is CancellationError || Self.shuttingDown()
            let retryAt: Timestamp? =
                shutdown ? now : state.withLock { JobRetryDecision.after(failing: job, at: now, using: &$0.random).retryAt }
            logger.log(
                level: shutdown ? .info : .warning, shutdown ? "job interrupted" : "job failed",
                metadata: ["error": "\(error)", "attempt": "\(job.attempts)", "retryAt": "\(retryAt.map { "\($0)" } ?? "never")"])
            do {
                let (store, message) = (self.store, String(describing: error))
                // Recorded even when the runner is being cancelled: an interrupted job is given back at once.
                try await Task { try await store.failJob(lease, at: now, error: message, retryAt: retryAt) }.value
            } catch {
                logger.error("cannot record a job's failure", metadata: ["error": "\(error)"])
            }
            metrics?.ran(queue: job.queue, outcome: "failed", nanoseconds: nanoseconds)
        }
    }

    /// Renews `lease` every `renewInterval` until cancelled (true) or until the store says it
    /// is lost (false). A renewal the store cannot take is tried again at the next interval.
    private func keepLease(_ lease: JobLease) async -> Bool {
        while true {
            do {
                try await Task.sleep(for: settings.renewInterval)
            } catch {
                return true
            }
            do {
                try await store.renewJobLease(lease, expiresAt: clock.now().adding(milliseconds: settings.leaseMilliseconds))
            } catch JobError.leaseLost {
                return false
            } catch {
                logger.warning("lease renewal failed", metadata: ["job": "\(lease.job)", "error": "\(error)"])
            }
        }
    }
}
