// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// How many jobs of one queue are in each visible state.
public struct JobCounts: Sendable, Hashable, Codable {
    public var waiting: Int
    public var delayed: Int
    public var active: Int
    public var completed: Int
    public var failed: Int

    public init(waiting: Int = 0, delayed: Int = 0, active: Int = 0, completed: Int = 0, failed: Int = 0) {
        self.waiting = waiting
        self.delayed = delayed
        self.active = active
        self.completed = completed
        self.failed = failed
    }

    /// Adds one job in `state`.
    public mutating func count(_ state: JobVisibleState, by amount: Int = 1) {
        switch state {
        case .waiting: waiting += amount
        case .delayed: delayed += amount
        case .active: active += amount
        case .completed: completed += amount
        case .failed: failed += amount
        }
    }
}

/// What ``JobStore/enqueueJob(_:)`` did.
public enum JobEnqueueResult: Sendable, Hashable {
    /// The job was stored.
    case inserted(JobRecord)
    /// A job with the same unique key exists (any state); nothing was stored.
    case existing(JobRecord)

    public var job: JobRecord {
        switch self {
        case .inserted(let job), .existing(let job): job
        }
    }

    public var inserted: Bool {
        if case .inserted = self { return true }
        return false
    }
}
