// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs

/// Where the job engine keeps its jobs and repeatable schedules (docs/JOBS.md).
///
/// Every state change that a worker makes names its ``JobLease``; the store applies it only
/// while that lease holds the job (same owner, same attempt, job active) and otherwise throws
/// ``JobError/leaseLost(_:)`` and changes nothing. Expiry is not checked on those calls:
/// an expired lease whose job nobody recovered yet still holds it.
///
/// Times are passed in (the runner's clock), never read from the database's.
public protocol JobStore: Sendable {
    /// Stores `job` (state `waiting`; delayed when `runAt` lies ahead). When its `uniqueKey`
    /// is taken, by a job in any state, stores nothing and returns that job.
    func enqueueJob(_ job: JobRecord) async throws -> JobEnqueueResult

    /// Claims up to `limit` due jobs of `queue` for `owner` until `leaseExpiresAt`: highest
    /// priority first, then earliest `runAt`, then oldest id. Each claimed job is `active`,
    /// its `attempts` one higher, its lease set; two claims never return the same job.
    func claimJobs(
        queue: String, owner: String, now: Timestamp, leaseExpiresAt: Timestamp, limit: Int
    ) async throws -> [JobRecord]

    /// Moves the lease's expiry to `expiresAt`. - Throws: ``JobError/leaseLost(_:)``.
    func renewJobLease(_ lease: JobLease, expiresAt: Timestamp) async throws

    /// Records progress (clamped to 0...100). - Throws: ``JobError/leaseLost(_:)``.
    func setJobProgress(_ lease: JobLease, progress: Int) async throws

    /// Marks the job completed and commits `effects` with it: both or neither where the store
    /// has transactions; where it has not, effects first, each a no-op if its key exists, then
    /// the completion. - Throws: ``JobError/leaseLost(_:)`` (no effect is written then
    /// where the store has transactions; elsewhere an effect may be, exactly once).
    func completeJob(_ lease: JobLease, at: Timestamp, effects: [JobEffect]) async throws

    /// Records a failed run: back to `waiting` at `retryAt`, or to the failed set when it is nil.
    /// - Throws: ``JobError/leaseLost(_:)``.
    func failJob(_ lease: JobLease, at: Timestamp, error: String, retryAt: Timestamp?) async throws

    /// Takes back every active job whose lease expired before `now`: to `waiting` (due now) if
    /// it has attempts left, else to the failed set. Returns the jobs as they are afterwards.
    func recoverStalledJobs(now: Timestamp) async throws -> [JobRecord]

    func job(id: JobID) async throws -> JobRecord?

    /// Per queue that has any job, how many are in each visible state at `now`.
    func jobCounts(now: Timestamp) async throws -> [String: JobCounts]

    /// The earliest `runAt` of the waiting jobs of `queue` (nil: none waiting).
    func nextJobDue(queue: String) async throws -> Timestamp?

    /// Failed jobs, newest id first, of one queue or all.
    func failedJobs(queue: String?, page: PageRequest) async throws -> Page<JobRecord>

    /// Moves a failed job back to `waiting`, due at `at`, with its attempts reset.
    /// - Throws: ``StoreError/notFound(kind:id:)`` (kind `job`), ``JobError/notFailed(_:_:)``.
    @discardableResult
    func retryFailedJob(id: JobID, at: Timestamp) async throws -> JobRecord

    /// Deletes a failed job. - Throws: ``StoreError/notFound(kind:id:)``, ``JobError/notFailed(_:_:)``.
    func discardFailedJob(id: JobID) async throws

    /// Deletes up to `limit` completed jobs that finished before `finishedBefore` (retention);
    /// returns how many. Failed jobs stay until an admin retries or discards them. A deleted
    /// repeat tick's unique key is free again, which is harmless: ticks only move forward.
    func purgeCompletedJobs(finishedBefore: Timestamp, limit: Int) async throws -> Int

    /// Stores a repeatable schedule under its id. An existing one with the same schedule
    /// (``RepeatableJob/sameSchedule(as:)``) keeps its `lastTick`; a changed one is replaced and
    /// starts from its `createdAt`.
    func upsertRepeatableJob(_ schedule: RepeatableJob) async throws

    func repeatableJobs() async throws -> [RepeatableJob]

    /// Sets `lastTick` to `to` if it is still `from` (nil: never ticked); false if another node moved it first.
    @discardableResult
    func advanceRepeatableJob(id: String, from: Timestamp?, to: Timestamp) async throws -> Bool
}
