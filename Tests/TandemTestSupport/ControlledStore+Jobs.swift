// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs
import TandemStore

/// The job store, forwarded unchanged.
extension ControlledStore {
    package func enqueueJob(_ job: JobRecord) async throws -> JobEnqueueResult { try await base.enqueueJob(job) }

    package func claimJobs(
        queue: String, owner: String, now: Timestamp, leaseExpiresAt: Timestamp, limit: Int
    ) async throws -> [JobRecord] {
        try await base.claimJobs(queue: queue, owner: owner, now: now, leaseExpiresAt: leaseExpiresAt, limit: limit)
    }

    package func renewJobLease(_ lease: JobLease, expiresAt: Timestamp) async throws {
        try await base.renewJobLease(lease, expiresAt: expiresAt)
    }

    package func setJobProgress(_ lease: JobLease, progress: Int) async throws {
        try await base.setJobProgress(lease, progress: progress)
    }

    package func completeJob(_ lease: JobLease, at: Timestamp, effects: [JobEffect]) async throws {
        try await base.completeJob(lease, at: at, effects: effects)
    }

    package func failJob(_ lease: JobLease, at: Timestamp, error: String, retryAt: Timestamp?) async throws {
        try await base.failJob(lease, at: at, error: error, retryAt: retryAt)
    }

    package func recoverStalledJobs(now: Timestamp) async throws -> [JobRecord] {
        try await base.recoverStalledJobs(now: now)
    }

    package func job(id: JobID) async throws -> JobRecord? { try await base.job(id: id) }

    package func jobCounts(now: Timestamp) async throws -> [String: JobCounts] { try await base.jobCounts(now: now) }

    package func nextJobDue(queue: String) async throws -> Timestamp? { try await base.nextJobDue(queue: queue) }

    package func failedJobs(queue: String?, page: PageRequest) async throws -> Page<JobRecord> {
        try await base.failedJobs(queue: queue, page: page)
    }

    package func retryFailedJob(id: JobID, at: Timestamp) async throws -> JobRecord {
        try await base.retryFailedJob(id: id, at: at)
    }

    package func discardFailedJob(id: JobID) async throws { try await base.discardFailedJob(id: id) }

    package func purgeCompletedJobs(finishedBefore: Timestamp, limit: Int) async throws -> Int {
        try await base.purgeCompletedJobs(finishedBefore: finishedBefore, limit: limit)
    }

    package func upsertRepeatableJob(_ schedule: RepeatableJob) async throws {
        try await base.upsertRepeatableJob(schedule)
    }

    package func repeatableJobs() async throws -> [RepeatableJob] { try await base.repeatableJobs() }

    package func advanceRepeatableJob(id: String, from: Timestamp?, to: Timestamp) async throws -> Bool {
        try await base.advanceRepeatableJob(id: id, from: from, to: to)
    }
}
