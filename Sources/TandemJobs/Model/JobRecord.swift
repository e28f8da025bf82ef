// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

public enum JobTag {}
/// A job's id: `job_` and a time-ordered identifier (``IdentifierGenerator``).
public typealias JobID = Identifier<JobTag>

/// One unit of background work and where it stands.
///
/// Invariants the stores keep: `lease` is set exactly while `state` is `active`;
/// `attempts` counts claims (a stalled run counts, so a job whose worker keeps dying
/// ends in the failed set); `finishedAt` is set in `completed` and `failed`.
public struct JobRecord: Sendable, Hashable, Codable, Identifiable {
    public var id: JobID
    /// Which workers run it (`retention`, `notifications`); a runner serves named queues.
    public var queue: String
    /// What the handler does with it, within the queue.
    public var name: String
    public var payload: JobPayload
    /// Higher runs first among the jobs that are due; ties go to the earlier `runAt`, then the older id.
    public var priority: Int
    /// At most one job ever holds a given key (for example one per repeat tick); nil for none.
    public var uniqueKey: String?
    public var state: JobState
    /// Not claimed before this instant (a waiting job with a later `runAt` is delayed).
    public var runAt: Timestamp
    public var attempts: Int
    public var maxAttempts: Int
    public var backoff: JobBackoff
    /// 0...100, set by the handler while it runs.
    public var progress: Int
    public var lease: JobLease?
    /// The last failure's message (a failed run or a stall).
    public var lastError: String?
    public var createdAt: Timestamp
    /// When the current or last run started.
    public var startedAt: Timestamp?
    public var finishedAt: Timestamp?

    public init(
        id: JobID, queue: String, name: String, payload: JobPayload = .empty, priority: Int = 0,
        uniqueKey: String? = nil, runAt: Timestamp, maxAttempts: Int = 3, backoff: JobBackoff = .standard,
        createdAt: Timestamp
    ) {
        self.id = id
        self.queue = queue
        self.name = name
        self.payload = payload
        self.priority = priority
        self.uniqueKey = uniqueKey
        self.state = .waiting
        self.runAt = runAt
        self.attempts = 0
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.progress = 0
        self.lease = nil
        self.lastError = nil
        self.createdAt = createdAt
        self.startedAt = nil
        self.finishedAt = nil
    }

    /// The state as an operator sees it at `now`: a waiting job not yet due is delayed.
    public func visibleState(at now: Timestamp) -> JobVisibleState {
        switch state {
        case .waiting: runAt > now ? .delayed : .waiting
        case .active: .active
        case .completed: .completed
        case .failed: .failed
        }
    }

    /// Whether a claim at `now` may take it.
    public func isDue(at now: Timestamp) -> Bool { state == .waiting && runAt <= now }

    /// The order claims take due jobs in: priority descending, then `runAt`, then id (creation).
    public static func claimOrder(_ a: JobRecord, _ b: JobRecord) -> Bool {
        if a.priority != b.priority { return a.priority > b.priority }
        if a.runAt != b.runAt { return a.runAt < b.runAt }
        return a.id < b.id
    }

    /// Whether its lease ran out before `now` (a stalled run).
    public func isStalled(at now: Timestamp) -> Bool {
        guard state == .active, let lease else { return false }
        return lease.expiresAt < now
    }
}

/// The stored states. `delayed` is not stored: it is a waiting job whose `runAt` lies ahead.
///
/// ```
/// waiting ──claim──▶ active ──complete──▶ completed
///    ▲                 │ fail with attempts left (runAt = backoff) / lease expired (stalled)
///    └─────────────────┘
///                      └─fail, no attempts left / stalled, none left──▶ failed ──retry──▶ waiting
///                                                                           └──discard──▶ (gone)
/// ```
public enum JobState: String, Sendable, Hashable, Codable, CaseIterable {
    case waiting
    case active
    case completed
    case failed
}

/// What counts and listings show.
public enum JobVisibleState: String, Sendable, Hashable, Codable, CaseIterable {
    case waiting
    case delayed
    case active
    case completed
    case failed
}
