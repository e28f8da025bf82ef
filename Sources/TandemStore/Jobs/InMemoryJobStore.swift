// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs

/// A ``JobStore`` in memory: the reference for the conformance suite and a seam for tests
/// of the runner. Nothing survives the process. Notification effects are kept here too
/// (``notifications``), keyed by id like the stores' unique indexes.
public actor InMemoryJobStore: JobStore {
    private var jobs: [JobID: JobRecord] = [:]
    private var uniqueKeys: [String: JobID] = [:]
    private var schedules: [String: RepeatableJob] = [:]
    /// The notification effects committed, by id.
    public private(set) var notifications: [NotificationID: UserNotification] = [:]

    public init() {}

    public func enqueueJob(_ job: JobRecord) -> JobEnqueueResult {
        if let key = job.uniqueKey, let existing = uniqueKeys[key], let stored = jobs[existing] {
            return .existing(stored)
        }
        var job = job
        job.state = .waiting
        jobs[job.id] = job
        if let key = job.uniqueKey { uniqueKeys[key] = job.id }
        return .inserted(job)
    }

    public func claimJobs(
        queue: String, owner: String, now: Timestamp, leaseExpiresAt: Timestamp, limit: Int
    ) -> [JobRecord] {
        let due = jobs.values.filter { $0.queue == queue && $0.isDue(at: now) }.sorted(by: JobRecord.claimOrder)
        return due.prefix(max(0, limit)).map { job in
            var job = job
            job.state = .active
            job.attempts += 1
            job.startedAt = now
            job.progress = 0
            job.lease = JobLease(job: job.id, owner: owner, attempt: job.attempts, expiresAt: leaseExpiresAt)
            jobs[job.id] = job
            return job
        }
    }

    public func renewJobLease(_ lease: JobLease, expiresAt: Timestamp) throws {
        var job = try held(lease)
        job.lease?.expiresAt = expiresAt
        jobs[job.id] = job
    }

    public func setJobProgress(_ lease: JobLease, progress: Int) throws {
        var job = try held(lease)
        job.progress = min(100, max(0, progress))
        jobs[job.id] = job
    }

    public func completeJob(_ lease: JobLease, at: Timestamp, effects: [JobEffect]) throws {
        var job = try held(lease)
        for effect in effects {
            switch effect {
            case .notifications(let batch):
                for notification in batch where notifications[notification.id] == nil {
                    notifications[notification.id] = notification
                }
            }
        }
        job.state = .completed
        job.lease = nil
        job.progress = 100
        job.finishedAt = at
        jobs[job.id] = job
    }

    public func failJob(_ lease: JobLease, at: Timestamp, error: String, retryAt: Timestamp?) throws {
        var job = try held(lease)
        job.lease = nil
        job.lastError = error
        if let retryAt {
            job.state = .waiting
            job.runAt = retryAt
        } else {
            job.state = .failed
            job.finishedAt = at
        }
        jobs[job.id] = job
    }

    public func recoverStalledJobs(now: Timestamp) -> [JobRecord] {
        jobs.values.filter { $0.isStalled(at: now) }.sorted { $0.id < $1.id }.map { job in
            var job = job
            job.lease = nil
            job.lastError = JobStoreText.stalled
            if job.attempts < job.maxAttempts {
                job.state = .waiting
                job.runAt = now
            } else {
                job.state = .failed
                job.finishedAt = now
            }
            jobs[job.id] = job
            return job
        }
    }

    public func job(id: JobID) -> JobRecord? { jobs[id] }

    public func jobCounts(now: Timestamp) -> [String: JobCounts] {
        var counts: [String: JobCounts] = [:]
        for job in jobs.values { counts[job.queue, default: JobCounts()].count(job.visibleState(at: now)) }
        return counts
    }

    public func nextJobDue(queue: String) -> Timestamp? {
        jobs.values.filter { $0.queue == queue && $0.state == .waiting }.map(\.runAt).min()
    }

    public func failedJobs(queue: String?, page: PageRequest) throws -> Page<JobRecord> {
        let limit = Pagination.clamp(page.limit)
        let before = try Pagination.start(page, listing: JobStoreText.failedListing)
        let failed = jobs.values
            .filter { $0.state == .failed && (queue == nil || $0.queue == queue) }
            .filter { before == nil || $0.id.rawValue < before! }
            .sorted { $0.id > $1.id }
        return Pagination.page(Array(failed.prefix(limit + 1)), limit: limit, listing: JobStoreText.failedListing) {
            $0.id.rawValue
        }
    }

    public func retryFailedJob(id: JobID, at: Timestamp) throws -> JobRecord {
        var job = try failed(id)
        job.state = .waiting
        job.runAt = at
        job.attempts = 0
        job.finishedAt = nil
        job.progress = 0
        jobs[id] = job
        return job
    }

    public func discardFailedJob(id: JobID) throws {
        let job = try failed(id)
        jobs[id] = nil
        if let key = job.uniqueKey { uniqueKeys[key] = nil }
    }

    public func purgeCompletedJobs(finishedBefore: Timestamp, limit: Int) -> Int {
        let old = jobs.values.filter { $0.state == .completed && ($0.finishedAt ?? finishedBefore) < finishedBefore }
            .sorted { $0.id < $1.id }.prefix(max(0, limit))
        for job in old {
            jobs[job.id] = nil
            if let key = job.uniqueKey { uniqueKeys[key] = nil }
        }
        return old.count
    }

    public func upsertRepeatableJob(_ schedule: RepeatableJob) {
        if let existing = schedules[schedule.id], existing.sameSchedule(as: schedule) { return }
        schedules[schedule.id] = schedule
    }

    public func repeatableJobs() -> [RepeatableJob] { schedules.values.sorted { $0.id < $1.id } }

    public func advanceRepeatableJob(id: String, from: Timestamp?, to: Timestamp) -> Bool {
        guard var schedule = schedules[id], schedule.lastTick == from else { return false }
        schedule.lastTick = to
        schedules[id] = schedule
        return true
    }

    /// Stores `notification` as an effect outside any job (what a crash leaves behind after an
    /// effect was written and before its job completed, on a store without transactions).
    public func insertNotificationEffect(_ notification: UserNotification) {
        if notifications[notification.id] == nil { notifications[notification.id] = notification }
    }

    private func held(_ lease: JobLease) throws(JobError) -> JobRecord {
        guard let job = jobs[lease.job], job.state == .active, let current = job.lease,
            current.owner == lease.owner, current.attempt == lease.attempt
        else { throw JobError.leaseLost(lease.job) }
        return job
    }

    private func failed(_ id: JobID) throws -> JobRecord {
        guard let job = jobs[id] else { throw StoreError.notFound(kind: "job", id: id.rawValue) }
        guard job.state == .failed else { throw JobError.notFailed(id, job.state) }
        return job
    }
}

/// Texts every job store writes the same way.
package enum JobStoreText {
    /// `lastError` of a job whose lease expired while it ran.
    package static let stalled = "stalled: the worker's lease expired"
    /// The cursor listing name of ``JobStore/failedJobs(queue:page:)``.
    package static let failedListing = "failed-jobs"
}
