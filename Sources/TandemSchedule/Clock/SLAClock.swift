// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// What a ticket status does to an SLA clock.
public enum ClockMode: String, Sendable, Hashable {
    /// Business time counts (new, open).
    case running
    /// The customer or a third party has the ball (pending, on hold): time does not count.
    case paused
    /// The ticket is solved or closed: time does not count, and targets end.
    case stopped
}

extension TicketStatus {
    /// How this status moves an SLA clock.
    public var clockMode: ClockMode {
        switch self {
        case .new, .open: .running
        case .pending, .onHold: .paused
        case .solved, .closed: .stopped
        }
    }
}

/// A ticket's status from an instant on.
public struct StatusChange: Hashable, Sendable {
    public var at: Timestamp
    public var status: TicketStatus

    public init(at: Timestamp, status: TicketStatus) {
        self.at = at
        self.status = status
    }
}

/// Business time counted from a start instant, paused while the ticket's status pauses it.
///
/// The clock runs at an instant when the calendar is open there and the ticket's status at
/// that instant (the last change at or before it; `initial` before any) is a running one.
/// A status history is what is known *now*: the last status is taken to last forever, so a
/// deadline exists only if the clock reaches it while running, or already reached it.
public struct SLAClock: Sendable {
    public let calendar: BusinessCalendar
    public let start: Timestamp
    /// The periods from `start` on when the status lets the clock run, in order, disjoint;
    /// only the last may be open-ended.
    let running: [(from: Int64, to: Int64?)]

    /// A clock over `changes` (in any order; of two at the same instant the later one in the list wins).
    public init(calendar: BusinessCalendar, start: Timestamp, initial: TicketStatus = .new, changes: [StatusChange]) {
        self.calendar = calendar
        self.start = start
        let begin = start.millisecondsSince1970
        let ordered = changes.enumerated().sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
        var mode = initial.clockMode
        var periods: [(from: Int64, to: Int64?)] = []
        var runningSince: Int64? = nil
        for change in ordered where change.at.millisecondsSince1970 <= begin { mode = change.status.clockMode }
        if mode == .running { runningSince = begin }
        for change in ordered where change.at.millisecondsSince1970 > begin {
            let at = change.at.millisecondsSince1970
            let next = change.status.clockMode
            if next == .running, runningSince == nil { runningSince = at }
            if next != .running, let since = runningSince {
                if at > since { periods.append((since, at)) }
                runningSince = nil
            }
        }
        if let since = runningSince { periods.append((since, nil)) }
        running = periods
    }

    /// Business time counted from `start` up to `now`.
    public func elapsed(at now: Timestamp) -> Duration {
        .milliseconds(elapsedMilliseconds(at: now.millisecondsSince1970))
    }

    /// The instant at which the clock reaches `amount` (the deadline for a target of that
    /// length); nil if the clock stops before reaching it (a pause that has not ended).
    public func instant(reaching amount: Duration) -> Timestamp? {
        instant(reaching: amount.milliseconds).map { Timestamp(millisecondsSince1970: $0) }
    }

    /// Whether the status lets the clock run at `now` (the calendar may still be closed).
    public func isRunning(at now: Timestamp) -> Bool {
        let t = now.millisecondsSince1970
        return running.contains { $0.from <= t && ($0.to.map { t < $0 } ?? true) }
    }

    func elapsedMilliseconds(at now: Int64) -> Int64 {
        running.reduce(0) { total, period in
            total + calendar.businessMilliseconds(from: period.from, to: min(period.to ?? now, now))
        }
    }

    func instant(reaching amount: Int64) -> Int64? {
        if amount <= 0 { return start.millisecondsSince1970 }
        var remaining = amount
        for period in running {
            guard let end = period.to else { return calendar.deadline(from: period.from, adding: remaining) }
            let counted = calendar.businessMilliseconds(from: period.from, to: end)
            if counted >= remaining { return calendar.deadline(from: period.from, adding: remaining) }
            remaining -= counted
        }
        return nil
    }
}
