// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemSchedule

/// A job enqueued once per tick of a cron expression in a time zone (retention, digests).
///
/// Exactly once per tick, whatever the number of nodes: the job of a tick carries the
/// unique key ``uniqueKey(tick:)``, which the store holds at most once; `lastTick` only saves
/// work (a node that lost the race finds the job there and moves on).
public struct RepeatableJob: Sendable, Hashable, Codable, Identifiable {
    /// Stable across restarts: the schedule's name (`retention`).
    public var id: String
    public var queue: String
    public var name: String
    public var payload: JobPayload
    public var cron: String
    /// An IANA zone; cron's wall times are read in it (see ``CronExpression``).
    public var timeZone: String
    public var priority: Int
    public var maxAttempts: Int
    public var backoff: JobBackoff
    /// The latest tick whose job exists; ticks after it are still to enqueue.
    /// Nil: none yet (the first tick is the first after `createdAt`).
    public var lastTick: Timestamp?
    public var createdAt: Timestamp

    /// Checks the cron expression and the zone.
    /// - Throws: ``ValidationError`` on `cron` (`invalid_cron`) or `timeZone` (`unknown_time_zone`).
    public init(
        id: String, queue: String, name: String, payload: JobPayload = .empty, cron: String, timeZone: String,
        priority: Int = 0, maxAttempts: Int = 3, backoff: JobBackoff = .standard, createdAt: Timestamp
    ) throws(ValidationError) {
        _ = try CronExpression(cron, timeZone: timeZone)
        self.id = id
        self.queue = queue
        self.name = name
        self.payload = payload
        self.cron = cron
        self.timeZone = timeZone
        self.priority = priority
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.lastTick = nil
        self.createdAt = createdAt
    }

    /// The parsed expression (the stored one was checked when the schedule was made).
    public func expression() throws(ValidationError) -> CronExpression {
        try CronExpression(cron, timeZone: timeZone)
    }

    /// Whether `other` describes the same work on the same schedule (what an upsert keeps `lastTick` for).
    public func sameSchedule(as other: RepeatableJob) -> Bool {
        queue == other.queue && name == other.name && payload == other.payload && cron == other.cron
            && timeZone == other.timeZone && priority == other.priority && maxAttempts == other.maxAttempts
            && backoff == other.backoff
    }

    /// The unique key of the job for `tick`.
    public func uniqueKey(tick: Timestamp) -> String { "repeat:\(id)@\(tick.millisecondsSince1970)" }

    /// The job for `tick`, due at the tick.
    public func job(tick: Timestamp, id jobID: JobID, createdAt: Timestamp) -> JobRecord {
        JobRecord(
            id: jobID, queue: queue, name: name, payload: payload, priority: priority,
            uniqueKey: uniqueKey(tick: tick), runAt: tick, maxAttempts: maxAttempts, backoff: backoff,
            createdAt: createdAt)
    }

    /// The next tick to enqueue at `now`, and whether it is already due.
    ///
    /// The next tick after `lastTick` (or `createdAt`) if it lies ahead: enqueue it as a delayed
    /// job, leave `lastTick`. If ticks were missed (every node was down), only the latest missed
    /// one is returned (`due`: enqueue it, then advance `lastTick` to it): a catch-up runs once, not
    /// once per missed tick. Nil when the expression never fires again.
    public func nextTick(at now: Timestamp) throws(ValidationError) -> (tick: Timestamp, due: Bool)? {
        let expression = try expression()
        guard var tick = expression.next(after: lastTick ?? createdAt) else { return nil }
        guard tick <= now else { return (tick, false) }
        // Jump close to now first, so that a long outage does not walk every missed minute.
        if let recent = expression.next(after: now.adding(seconds: -3_600)), recent > tick, recent <= now {
            tick = recent
        }
        while let following = expression.next(after: tick), following <= now { tick = following }
        return (tick, true)
    }
}
