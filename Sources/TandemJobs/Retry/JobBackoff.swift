// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Exponential backoff with jitter between a job's attempts.
///
/// After the n-th failed attempt (n ≥ 1) the nominal delay is `initial · 2^(n-1)`, capped at
/// `maximum`; the delay used is drawn uniformly from the upper half of it ("equal jitter":
/// never less than half the nominal delay, so retries keep backing off, and spread out so
/// that jobs failing together do not retry together).
public struct JobBackoff: Sendable, Hashable, Codable {
    public var initialMilliseconds: Int64
    public var maximumMilliseconds: Int64

    /// 1 s, doubling, at most an hour.
    public static let standard = JobBackoff(initialMilliseconds: 1_000, maximumMilliseconds: 3_600_000)

    public init(initialMilliseconds: Int64, maximumMilliseconds: Int64) {
        self.initialMilliseconds = max(0, initialMilliseconds)
        self.maximumMilliseconds = max(self.initialMilliseconds, maximumMilliseconds)
    }

    /// The nominal delay after `attempt` failed attempts (no jitter).
    public func nominalDelay(afterAttempt attempt: Int) -> Int64 {
        guard attempt >= 1, initialMilliseconds > 0 else { return 0 }
        let doublings = min(attempt - 1, 62)
        let (scaled, overflow) = initialMilliseconds.multipliedReportingOverflow(by: Int64(1) << doublings)
        return overflow || doublings == 62 ? maximumMilliseconds : min(scaled, maximumMilliseconds)
    }

    /// The delay to wait after `attempt` failed attempts: in `nominal/2 ... nominal`.
    public func delay<R: RandomNumberGenerator>(afterAttempt attempt: Int, using random: inout R) -> Int64 {
        let nominal = nominalDelay(afterAttempt: attempt)
        guard nominal > 1 else { return nominal }
        let half = nominal / 2
        return half + Int64.random(in: 0...(nominal - half), using: &random)
    }
}

/// What happens to a job whose run failed: tried again at an instant, or moved to the failed set.
public enum JobRetryDecision: Sendable, Hashable {
    case retry(at: Timestamp)
    case fail

    /// The decision for `job` (as claimed: `attempts` counts this run) failing at `now`.
    public static func after<R: RandomNumberGenerator>(
        failing job: JobRecord, at now: Timestamp, using random: inout R
    ) -> JobRetryDecision {
        guard job.attempts < job.maxAttempts else { return .fail }
        return .retry(at: now.adding(milliseconds: job.backoff.delay(afterAttempt: job.attempts, using: &random)))
    }

    /// The `retryAt` a store takes: nil for the failed set.
    public var retryAt: Timestamp? {
        if case .retry(let at) = self { return at }
        return nil
    }
}
