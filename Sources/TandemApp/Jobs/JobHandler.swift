// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs
import TandemStore

/// The code that does one kind of job (a queue's `name`).
///
/// A run returns the store writes it made (``JobEffect``s, keyed by the job) instead of
/// writing them: the runner commits them with the job's completion, so they happen once
/// however often the job runs (docs/JOBS.md). Throwing fails the run; it is retried after a
/// backoff while attempts remain. A run may be cancelled: when its lease is lost (the job
/// runs elsewhere now) or the node shuts down.
public protocol JobHandler: Sendable {
    func run(_ job: JobRecord, context: JobContext) async throws -> [JobEffect]
}

/// A handler from a closure.
public struct JobHandlerFunction: JobHandler {
    let body: @Sendable (JobRecord, JobContext) async throws -> [JobEffect]

    public init(_ body: @escaping @Sendable (JobRecord, JobContext) async throws -> [JobEffect]) { self.body = body }

    public func run(_ job: JobRecord, context: JobContext) async throws -> [JobEffect] { try await body(job, context) }
}

/// What a running handler may use: its lease, the time, and progress reports.
public struct JobContext: Sendable {
    public let lease: JobLease
    let store: any JobStore
    let clock: any TandemClock

    /// The runner's clock (a test's clock in tests).
    public func now() -> Timestamp { clock.now() }

    /// Records progress (0...100). - Throws: ``JobError/leaseLost(_:)`` when the job is no longer this run's.
    public func progress(_ percent: Int) async throws { try await store.setJobProgress(lease, progress: percent) }
}

/// One queue a runner serves: its handlers by job name, and its limits on this node.
public struct JobQueue: Sendable {
    public var name: String
    public var handlers: [String: any JobHandler]
    /// Jobs of this queue running at once on this node.
    public var concurrency: Int
    /// Jobs of this queue started per second on this node; nil for no limit.
    public var ratePerSecond: Double?

    public init(name: String, handlers: [String: any JobHandler], concurrency: Int = 4, ratePerSecond: Double? = nil) {
        self.name = name
        self.handlers = handlers
        self.concurrency = max(1, concurrency)
        self.ratePerSecond = ratePerSecond.flatMap { $0 > 0 ? $0 : nil }
    }
}
