// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The right to run one claim of a job until `expiresAt`.
///
/// A store accepts a renewal, progress, completion or failure only from the lease that
/// holds the job now: same owner *and* same attempt. A worker whose lease expired and whose
/// job was claimed again (by another node, or by itself after a stall) is fenced off by the
/// attempt number even when the owner name is the same.
public struct JobLease: Sendable, Hashable, Codable {
    public var job: JobID
    /// The worker that claimed it (a node name and a runner instance).
    public var owner: String
    /// The job's `attempts` at the claim.
    public var attempt: Int
    public var expiresAt: Timestamp

    public init(job: JobID, owner: String, attempt: Int, expiresAt: Timestamp) {
        self.job = job
        self.owner = owner
        self.attempt = attempt
        self.expiresAt = expiresAt
    }
}

/// Why a store refused a job operation.
public enum JobError: Error, Sendable, Hashable {
    /// The lease no longer holds the job: it expired and the job was recovered or claimed
    /// again, or the job finished or was discarded. The caller must not assume its run counted.
    case leaseLost(JobID)
    /// Retry and discard apply to failed jobs only.
    case notFailed(JobID, JobState)
}
