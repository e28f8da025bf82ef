// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

/// A job store under test, with what the effect checks need around it: a user who can
/// receive notifications, the notifications they have, and a way to leave an effect behind
/// as a crashed run would.
struct JobStoreSubject: Sendable {
    var store: any JobStore
    var makeRecipient: @Sendable () async throws -> UserID
    var notifications: @Sendable (UserID) async throws -> [NotificationID]
    var writeEffectOnly: @Sendable (UserNotification) async throws -> Void
    var close: @Sendable () async throws -> Void

    /// A ``TandemStore`` (migrated here) as a subject.
    static func tandem(_ store: any TandemStore) async throws -> JobStoreSubject {
        try await store.migrate()
        return JobStoreSubject(
            store: store,
            makeRecipient: {
                var fixtures = Fixtures()
                let user = fixtures.user()
                try await store.createUser(user)
                return user.id
            },
            notifications: { user in
                try await store.notifications(of: user, unreadOnly: false, page: PageRequest(limit: 200)).items.map(\.id)
            },
            writeEffectOnly: { try await store.createNotifications([$0]) },
            close: { try await store.close() })
    }

    static func inMemory() -> JobStoreSubject {
        let store = InMemoryJobStore()
        return JobStoreSubject(
            store: store, makeRecipient: { UserID("usr_recipient") },
            notifications: { user in await store.notifications.values.filter { $0.user == user }.map(\.id) },
            writeEffectOnly: { await store.insertNotificationEffect($0) }, close: {})
    }
}

/// One behaviour every job store must have (docs/JOBS.md). Time is the test's: every call
/// takes its instant, so leases expire and delays pass without waiting.
enum JobStoreConformanceCheck: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case claimOrderAndDelays
    case uniqueKeys
    case concurrentClaimsNeverOverlap
    case leaseFence
    case retriesAndTheFailedSet
    case stalledRecovery
    case counts
    case repeatableSchedules
    case effectsCommitOnce
    case effectLeftByACrashIsNotRepeated
    case effectOfALostLeaseIsNotWritten
    case purgingCompletedJobs

    var testDescription: String { rawValue }

    func run(_ make: @Sendable () async throws -> JobStoreSubject) async throws {
        let subject = try await make()
        do {
            try await JobStoreConformance(subject: subject).run(self)
        } catch {
            try? await subject.close()
            throw error
        }
        try await subject.close()
    }
}

struct JobStoreConformance {
    let subject: JobStoreSubject
    var store: any JobStore { subject.store }
    let t0 = Timestamp(millisecondsSince1970: 1_800_000_000_000)

    func run(_ check: JobStoreConformanceCheck) async throws {
        switch check {
        case .claimOrderAndDelays: try await claimOrderAndDelays()
        case .uniqueKeys: try await uniqueKeys()
        case .concurrentClaimsNeverOverlap: try await concurrentClaimsNeverOverlap()
        case .leaseFence: try await leaseFence()
        case .retriesAndTheFailedSet: try await retriesAndTheFailedSet()
        case .stalledRecovery: try await stalledRecovery()
        case .counts: try await counts()
        case .repeatableSchedules: try await repeatableSchedules()
        case .effectsCommitOnce: try await effectsCommitOnce()
        case .effectLeftByACrashIsNotRepeated: try await effectLeftByACrashIsNotRepeated()
        case .effectOfALostLeaseIsNotWritten: try await effectOfALostLeaseIsNotWritten()
        case .purgingCompletedJobs: try await purgingCompletedJobs()
        }
    }

    static let generator = IdentifierGenerator()

    func makeJob(
        queue: String = "q", name: String = "work", priority: Int = 0, runAt: Timestamp? = nil, uniqueKey: String? = nil,
        maxAttempts: Int = 3, at millis: Int64 = 0
    ) -> JobRecord {
        var rng = SystemRandomNumberGenerator()
        let id: JobID = Self.generator.make("job", at: UInt64(t0.millisecondsSince1970 + millis), using: &rng)
        return JobRecord(
            id: id, queue: queue, name: name, payload: try! JobPayload(json: #"{"n":\#(millis)}"#), priority: priority,
            uniqueKey: uniqueKey, runAt: runAt ?? t0, maxAttempts: maxAttempts,
            backoff: JobBackoff(initialMilliseconds: 1_000, maximumMilliseconds: 60_000),
            createdAt: t0.adding(milliseconds: millis))
    }

    func claim(
        _ queue: String = "q", owner: String = "w1", at now: Timestamp, limit: Int = 10, lease: Int64 = 30_000
    )
        async throws -> [JobRecord]
    {
        try await store.claimJobs(
            queue: queue, owner: owner, now: now, leaseExpiresAt: now.adding(milliseconds: lease), limit: limit)
    }

    func claimOrderAndDelays() async throws {
        let low = makeJob(priority: 0, at: 1)
        let high = makeJob(priority: 5, at: 2)
        let earlier = makeJob(priority: 0, runAt: t0.adding(milliseconds: -10), at: 3)
        let delayed = makeJob(priority: 9, runAt: t0.adding(seconds: 60), at: 4)
        let other = makeJob(queue: "other", at: 5)
        for job in [low, high, earlier, delayed, other] { #expect(try await store.enqueueJob(job).inserted) }
        let first = try await claim(at: t0, limit: 2)
        #expect(first.map(\.id) == [high.id, earlier.id])
        #expect(first.allSatisfy { $0.state == .active && $0.attempts == 1 && $0.lease?.owner == "w1" })
        #expect(first[0].lease == JobLease(job: high.id, owner: "w1", attempt: 1, expiresAt: t0.adding(seconds: 30)))
        #expect(first[0].payload == high.payload && first[0].startedAt == t0)
        #expect(try await claim(at: t0).map(\.id) == [low.id], "the delayed job is not due and other queues are apart")
        #expect(try await claim(at: t0).isEmpty)
        #expect(try await store.nextJobDue(queue: "q") == delayed.runAt)
        #expect(try await claim(at: t0.adding(seconds: 60)).map(\.id) == [delayed.id])
        #expect(try await store.nextJobDue(queue: "q") == nil)
        #expect(try await store.job(id: other.id)?.state == .waiting)
        #expect(try await store.job(id: JobID("job_missing")) == nil)
    }

    func uniqueKeys() async throws {
        let first = makeJob(uniqueKey: "tick@1", at: 1)
        #expect(try await store.enqueueJob(first) == .inserted(first))
        let again = try await store.enqueueJob(makeJob(uniqueKey: "tick@1", at: 2))
        #expect(again == .existing(first))
        // Many nodes enqueue the same tick at once: one job.
        let store = self.store
        let jobs = (0..<8).map { makeJob(uniqueKey: "tick@2", at: 10 + Int64($0)) }
        let inserted = try await withThrowingTaskGroup(of: Bool.self) { group in
            for job in jobs { group.addTask { try await store.enqueueJob(job).inserted } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(inserted == 1)
        // A finished job keeps its key.
        let claimed = try await claim(at: t0, limit: 10)
        #expect(claimed.count == 2)
        for job in claimed { try await store.completeJob(job.lease!, at: t0, effects: []) }
        #expect(try await store.enqueueJob(makeJob(uniqueKey: "tick@1", at: 30)).inserted == false)
    }

    func concurrentClaimsNeverOverlap() async throws {
        for index in 0..<30 { _ = try await store.enqueueJob(makeJob(at: Int64(index))) }
        let store = self.store
        let t0 = self.t0
        let claimed = try await withThrowingTaskGroup(of: [JobID].self) { group in
            for worker in 0..<6 {
                group.addTask {
                    var mine: [JobID] = []
                    while true {
                        let batch = try await store.claimJobs(
                            queue: "q", owner: "w\(worker)", now: t0, leaseExpiresAt: t0.adding(seconds: 30), limit: 4)
                        if batch.isEmpty { return mine }
                        mine += batch.map(\.id)
                    }
                }
            }
            return try await group.reduce(into: [JobID]()) { $0 += $1 }
        }
        #expect(claimed.count == 30)
        #expect(Set(claimed).count == 30)
    }

    func leaseFence() async throws {
        _ = try await store.enqueueJob(makeJob(at: 1))
        let job = try #require(try await claim(at: t0).first)
        let lease = try #require(job.lease)
        var stranger = lease
        stranger.owner = "w2"
        var earlier = lease
        earlier.attempt = 0
        for wrong in [stranger, earlier] {
            await #expect(throws: JobError.leaseLost(job.id)) {
                try await store.renewJobLease(wrong, expiresAt: t0.adding(seconds: 90))
            }
            await #expect(throws: JobError.leaseLost(job.id)) { try await store.setJobProgress(wrong, progress: 5) }
            await #expect(throws: JobError.leaseLost(job.id)) { try await store.completeJob(wrong, at: t0, effects: []) }
            await #expect(throws: JobError.leaseLost(job.id)) {
                try await store.failJob(wrong, at: t0, error: "x", retryAt: nil)
            }
        }
        try await store.renewJobLease(lease, expiresAt: t0.adding(seconds: 90))
        try await store.setJobProgress(lease, progress: 140)
        var stored = try #require(try await store.job(id: job.id))
        #expect(stored.lease?.expiresAt == t0.adding(seconds: 90) && stored.progress == 100 && stored.state == .active)
        try await store.setJobProgress(lease, progress: 40)
        #expect(try await store.job(id: job.id)?.progress == 40)
        try await store.completeJob(lease, at: t0.adding(seconds: 5), effects: [])
        stored = try #require(try await store.job(id: job.id))
        #expect(stored.state == .completed && stored.lease == nil && stored.finishedAt == t0.adding(seconds: 5))
        await #expect(throws: JobError.leaseLost(job.id)) { try await store.completeJob(lease, at: t0, effects: []) }
        // Recovery moved the job on: the first worker's lease no longer holds it, even renewed.
        _ = try await store.enqueueJob(makeJob(at: 2))
        let second = try #require(try await claim(at: t0, lease: 1_000).first)
        _ = try await store.recoverStalledJobs(now: t0.adding(seconds: 2))
        await #expect(throws: JobError.leaseLost(second.id)) {
            try await store.renewJobLease(second.lease!, expiresAt: t0.adding(seconds: 60))
        }
    }

    func retriesAndTheFailedSet() async throws {
        let job = makeJob(maxAttempts: 2, at: 1)
        _ = try await store.enqueueJob(job)
        let first = try #require(try await claim(at: t0).first)
        try await store.failJob(first.lease!, at: t0, error: "boom 1", retryAt: t0.adding(seconds: 2))
        var stored = try #require(try await store.job(id: job.id))
        #expect(stored.state == .waiting && stored.runAt == t0.adding(seconds: 2) && stored.lastError == "boom 1")
        #expect(stored.lease == nil && stored.attempts == 1)
        #expect(try await claim(at: t0.adding(seconds: 1)).isEmpty, "backing off")
        let second = try #require(try await claim(at: t0.adding(seconds: 2)).first)
        #expect(second.attempts == 2)
        try await store.failJob(second.lease!, at: t0.adding(seconds: 3), error: "boom 2", retryAt: nil)
        stored = try #require(try await store.job(id: job.id))
        #expect(stored.state == .failed && stored.finishedAt == t0.adding(seconds: 3) && stored.lastError == "boom 2")

        let other = makeJob(queue: "other", maxAttempts: 1, at: 2)
        _ = try await store.enqueueJob(other)
        let claimedOther = try #require(try await claim("other", at: t0).first)
        try await store.failJob(claimedOther.lease!, at: t0, error: "no", retryAt: nil)
        #expect(try await store.failedJobs(queue: nil, page: PageRequest()).items.map(\.id) == [other.id, job.id])
        #expect(try await store.failedJobs(queue: "q", page: PageRequest()).items.map(\.id) == [job.id])
        let firstPage = try await store.failedJobs(queue: nil, page: PageRequest(limit: 1))
        #expect(firstPage.items.map(\.id) == [other.id])
        let secondPage = try await store.failedJobs(queue: nil, page: PageRequest(after: firstPage.nextCursor, limit: 1))
        #expect(secondPage.items.map(\.id) == [job.id] && secondPage.nextCursor == nil)

        let retried = try await store.retryFailedJob(id: job.id, at: t0.adding(seconds: 10))
        #expect(retried.state == .waiting && retried.attempts == 0 && retried.runAt == t0.adding(seconds: 10))
        await #expect(throws: JobError.notFailed(job.id, .waiting)) { try await store.retryFailedJob(id: job.id, at: t0) }
        await #expect(throws: JobError.notFailed(job.id, .waiting)) { try await store.discardFailedJob(id: job.id) }
        #expect(try await claim(at: t0.adding(seconds: 10)).first?.attempts == 1)
        try await store.discardFailedJob(id: other.id)
        #expect(try await store.job(id: other.id) == nil)
        await #expect(throws: StoreError.notFound(kind: "job", id: other.id.rawValue)) {
            try await store.discardFailedJob(id: other.id)
        }
        await #expect(throws: StoreError.notFound(kind: "job", id: "job_missing")) {
            try await store.retryFailedJob(id: JobID("job_missing"), at: t0)
        }
    }

    func stalledRecovery() async throws {
        let job = makeJob(maxAttempts: 2, at: 1)
        _ = try await store.enqueueJob(job)
        let first = try #require(try await claim(at: t0, lease: 30_000).first)
        #expect(try await store.recoverStalledJobs(now: t0.adding(seconds: 10)).isEmpty)
        try await store.renewJobLease(first.lease!, expiresAt: t0.adding(seconds: 60))
        #expect(try await store.recoverStalledJobs(now: t0.adding(seconds: 45)).isEmpty, "renewed")
        let recovered = try await store.recoverStalledJobs(now: t0.adding(seconds: 61))
        #expect(recovered.map(\.id) == [job.id])
        #expect(recovered.first?.state == .waiting && recovered.first?.lease == nil)
        var stored = try #require(try await store.job(id: job.id))
        #expect(stored.state == .waiting && stored.runAt == t0.adding(seconds: 61) && stored.attempts == 1)
        #expect(stored.lastError?.hasPrefix("stalled") == true)
        // The second worker dies too: no attempts left, the failed set.
        let second = try #require(try await claim(owner: "w2", at: t0.adding(seconds: 61), lease: 1_000).first)
        #expect(second.attempts == 2)
        #expect(try await store.recoverStalledJobs(now: t0.adding(seconds: 63)).map(\.state) == [.failed])
        stored = try #require(try await store.job(id: job.id))
        #expect(stored.state == .failed && stored.finishedAt == t0.adding(seconds: 63))
    }

    func counts() async throws {
        _ = try await store.enqueueJob(makeJob(at: 1))
        _ = try await store.enqueueJob(makeJob(at: 2))
        _ = try await store.enqueueJob(makeJob(runAt: t0.adding(seconds: 5), at: 3))
        _ = try await store.enqueueJob(makeJob(queue: "mail", at: 4))
        let claimed = try await claim(at: t0, limit: 2)
        try await store.completeJob(claimed[0].lease!, at: t0, effects: [])
        let mail = try #require(try await claim("mail", at: t0).first)
        try await store.failJob(mail.lease!, at: t0, error: "x", retryAt: nil)
        _ = try await store.enqueueJob(makeJob(at: 5))
        let counts = try await store.jobCounts(now: t0)
        #expect(counts["q"] == JobCounts(waiting: 1, delayed: 1, active: 1, completed: 1, failed: 0))
        #expect(counts["mail"] == JobCounts(failed: 1))
        #expect(try await store.jobCounts(now: t0.adding(seconds: 5))["q"]?.waiting == 2)
    }

    func repeatableSchedules() async throws {
        let schedule = try RepeatableJob(
            id: "retention", queue: "maintenance", name: "retention", cron: "*/5 * * * *", timeZone: "UTC", createdAt: t0)
        try await store.upsertRepeatableJob(schedule)
        #expect(try await store.repeatableJobs() == [schedule])
        let tick = t0.adding(seconds: 300)
        // Two nodes advance from the same state: one wins.
        let store = self.store
        let wins = try await withThrowingTaskGroup(of: Bool.self) { group in
            for _ in 0..<2 { group.addTask { try await store.advanceRepeatableJob(id: "retention", from: nil, to: tick) } }
            return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        #expect(wins == 1)
        #expect(try await store.advanceRepeatableJob(id: "retention", from: nil, to: tick) == false)
        #expect(try await store.repeatableJobs().first?.lastTick == tick)
        // Upserting the same schedule (a restart) keeps the progress; a changed one starts over.
        try await store.upsertRepeatableJob(schedule)
        #expect(try await store.repeatableJobs().first?.lastTick == tick)
        var changed = schedule
        changed.cron = "0 * * * *"
        try await store.upsertRepeatableJob(changed)
        #expect(try await store.repeatableJobs() == [changed])
        #expect(try await store.advanceRepeatableJob(id: "missing", from: nil, to: tick) == false)
    }

    /// Retention takes completed jobs that finished before the cutoff, in batches; failed,
    /// waiting and newer completed jobs stay.
    func purgingCompletedJobs() async throws {
        let jobs = (0..<5).map { makeJob(uniqueKey: "k\($0)", at: Int64($0)) }
        for job in jobs { _ = try await store.enqueueJob(job) }
        let claimed = try await claim(at: t0, limit: 4)
        for (index, job) in claimed.prefix(3).enumerated() {
            try await store.completeJob(job.lease!, at: t0.adding(seconds: Int64(index) * 10), effects: [])
        }
        try await store.failJob(claimed[3].lease!, at: t0, error: "x", retryAt: nil)
        // Finished at +0 s, +10 s, +20 s; the cutoff +15 s takes the first two, one batch at a time.
        #expect(try await store.purgeCompletedJobs(finishedBefore: t0.adding(seconds: 15), limit: 1) == 1)
        #expect(try await store.purgeCompletedJobs(finishedBefore: t0.adding(seconds: 15), limit: 10) == 1)
        #expect(try await store.purgeCompletedJobs(finishedBefore: t0.adding(seconds: 15), limit: 10) == 0)
        #expect(try await store.job(id: claimed[0].id) == nil)
        #expect(try await store.job(id: claimed[1].id) == nil)
        #expect(try await store.job(id: claimed[2].id)?.state == .completed)
        #expect(try await store.job(id: claimed[3].id)?.state == .failed)
        #expect(try await store.job(id: jobs[4].id)?.state == .waiting)
        #expect(try await store.jobCounts(now: t0)["q"] == JobCounts(waiting: 1, completed: 1, failed: 1))
    }

    func notification(for job: JobRecord, to user: UserID) -> UserNotification {
        UserNotification(
            id: JobEffectKey.notificationID(job: job.id, name: "breach"), user: user, kind: .ticketUpdated,
            ticket: TicketID("tkt_1"), actor: user, text: "Breached", createdAt: t0)
    }

    func effectsCommitOnce() async throws {
        let user = try await subject.makeRecipient()
        _ = try await store.enqueueJob(makeJob(at: 1))
        let job = try #require(try await claim(at: t0).first)
        let effect = notification(for: job, to: user)
        try await store.completeJob(job.lease!, at: t0, effects: [.notifications([effect])])
        #expect(try await subject.notifications(user) == [effect.id])
        #expect(try await store.job(id: job.id)?.state == .completed)
    }

    /// On a store without transactions a crash can fall between an effect and the completion;
    /// the job runs again and commits the same effect: still once.
    func effectLeftByACrashIsNotRepeated() async throws {
        let user = try await subject.makeRecipient()
        _ = try await store.enqueueJob(makeJob(at: 1))
        let first = try #require(try await claim(at: t0, lease: 1_000).first)
        let effect = notification(for: first, to: user)
        try await subject.writeEffectOnly(effect)  // ...and the worker dies here
        #expect(try await store.recoverStalledJobs(now: t0.adding(seconds: 2)).count == 1)
        let second = try #require(try await claim(owner: "w2", at: t0.adding(seconds: 2)).first)
        #expect(second.id == first.id && second.attempts == 2)
        try await store.completeJob(second.lease!, at: t0.adding(seconds: 3), effects: [.notifications([effect])])
        #expect(try await subject.notifications(user) == [effect.id])
        #expect(try await store.job(id: first.id)?.state == .completed)
    }

    /// A worker paused past its lease (GC, a stopped VM) while the job ran again elsewhere:
    /// its late completion is refused and its effect not written a second time.
    func effectOfALostLeaseIsNotWritten() async throws {
        let user = try await subject.makeRecipient()
        _ = try await store.enqueueJob(makeJob(at: 1))
        let slow = try #require(try await claim(owner: "slow", at: t0, lease: 1_000).first)
        _ = try await store.recoverStalledJobs(now: t0.adding(seconds: 2))
        let fast = try #require(try await claim(owner: "fast", at: t0.adding(seconds: 2)).first)
        let effect = notification(for: fast, to: user)
        try await store.completeJob(fast.lease!, at: t0.adding(seconds: 3), effects: [.notifications([effect])])
        await #expect(throws: JobError.leaseLost(slow.id)) {
            try await store.completeJob(slow.lease!, at: t0.adding(seconds: 4), effects: [.notifications([effect])])
        }
        #expect(try await subject.notifications(user) == [effect.id])
    }
}

/// The job store conformance suite against SQLite and in memory (MongoDB: MongoJobStoreTests).
@Suite struct JobStoreTests {
    @Test("conformance: sqlite", arguments: JobStoreConformanceCheck.allCases)
    func sqlite(_ check: JobStoreConformanceCheck) async throws {
        try await check.run { try await .tandem(SQLiteStore.temporary(logger: SQLiteStoreTests.logger)) }
    }

    @Test("conformance: in memory", arguments: JobStoreConformanceCheck.allCases)
    func inMemory(_ check: JobStoreConformanceCheck) async throws {
        try await check.run { .inMemory() }
    }
}
