// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Where a target stands.
public enum SLAState: String, Hashable, Sendable {
    /// Running, before its warning.
    case within
    /// Running, past its warning, before its deadline.
    case warning
    /// The deadline passed before the target was met (final once met late).
    case breached
    /// Not met yet, and the ticket's status stops the clock (pending, on hold, solved).
    case paused
    /// Met before the deadline.
    case met
}

/// One target of a ticket, evaluated at an instant.
public struct SLATargetStatus: Hashable, Sendable {
    public var kind: SLATargetKind
    public var state: SLAState
    /// The business time allowed.
    public var target: Duration
    /// When this target's clock started (for next response: the customer message).
    public var startedAt: Timestamp
    /// When the target is (or was) breached; nil while paused short of it.
    public var deadline: Timestamp?
    /// When the target starts (or started) to warn; nil without a warning or while paused.
    public var warningAt: Timestamp?
    /// When the target was met (or met late).
    public var completedAt: Timestamp?
    /// Business time counted so far (up to completion for a completed target).
    public var elapsed: Duration
    /// When the state changes next if nothing else happens; nil if only an event can change it.
    public var nextChangeAt: Timestamp?
}

/// A ticket's targets under one policy at one instant.
///
/// Rules: every clock runs while the ticket is new or open and the calendar is open, and
/// pauses while it is pending, on hold, solved or closed. A response target is met by a public
/// agent reply or by solving the ticket; a next-response cycle starts at the first customer
/// message after the previous response, once the first response is done. Resolution is met
/// while the ticket is solved or closed; reopening resumes its clock where it stopped. A target
/// is met if completed before its deadline and breached from its deadline on: the deadline is
/// the first instant at which the whole target has been used.
public struct SLAEvaluation: Hashable, Sendable {
    public var policyName: String
    /// The targets that have started, in ``SLATargetKind`` order.
    public var targets: [SLATargetStatus]
    /// The earliest instant at which any state changes if nothing happens (schedule a job).
    public var nextChangeAt: Timestamp? { targets.compactMap(\.nextChangeAt).min() }

    /// `timeline` under `policy` on `calendar`, as known at `now` (later events are ignored).
    public init(policy: SLAPolicy, calendar: BusinessCalendar, timeline: TicketTimeline, now: Timestamp) {
        policyName = policy.name
        let events = timeline.ordered(upTo: now)
        let changes = events.compactMap { event -> StatusChange? in
            if case .status(let at, let status) = event { return StatusChange(at: at, status: status) }
            return nil
        }
        func evaluate(_ kind: SLATargetKind, start: Timestamp, completedAt: Timestamp?) -> SLATargetStatus? {
            guard let target = policy.targets[kind] else { return nil }
            let until = completedAt ?? now
            let clock = SLAClock(
                calendar: calendar, start: start, initial: timeline.initialStatus, changes: changes.filter { $0.at <= until })
            return Self.status(
                kind, target: target.milliseconds, warning: policy.warningAmount(for: target.milliseconds), clock: clock,
                completedAt: completedAt, now: now)
        }
        let created = timeline.createdAt
        var firstResponse: Timestamp?
        var cycle: (start: Timestamp, completed: Timestamp?)?
        var status = timeline.initialStatus
        var solvedAt: Timestamp?
        for event in events where event.at >= created {
            switch event {
            case .agentMessage(let at):
                if firstResponse == nil { firstResponse = at } else if cycle?.completed == nil { cycle?.completed = at }
            case .customerMessage(let at):
                if firstResponse != nil, cycle == nil || cycle?.completed != nil { cycle = (at, nil) }
            case .status(let at, let next):
                if next.clockMode == .stopped {
                    if firstResponse == nil { firstResponse = at } else if cycle?.completed == nil { cycle?.completed = at }
                    if status.clockMode != .stopped { solvedAt = at }
                } else {
                    solvedAt = nil
                }
                status = next
            }
        }
        targets = [
            evaluate(.firstResponse, start: created, completedAt: firstResponse),
            cycle.flatMap { evaluate(.nextResponse, start: $0.start, completedAt: $0.completed) },
            evaluate(.resolution, start: created, completedAt: solvedAt),
        ].compactMap { $0 }
    }

    static func status(
        _ kind: SLATargetKind, target: Int64, warning: Int64?, clock: SLAClock, completedAt: Timestamp?, now: Timestamp
    ) -> SLATargetStatus {
        let deadline = clock.instant(reaching: target).map { Timestamp(millisecondsSince1970: $0) }
        let warningAt = warning.flatMap { clock.instant(reaching: $0) }.map { Timestamp(millisecondsSince1970: $0) }
        var result = SLATargetStatus(
            kind: kind, state: .within, target: .milliseconds(target), startedAt: clock.start, deadline: deadline,
            warningAt: warningAt, completedAt: completedAt, elapsed: .milliseconds(0), nextChangeAt: nil)
        if let completedAt {
            let elapsed = clock.elapsedMilliseconds(at: completedAt.millisecondsSince1970)
            result.elapsed = .milliseconds(elapsed)
            result.state = elapsed < target ? .met : .breached
            return result
        }
        result.elapsed = .milliseconds(clock.elapsedMilliseconds(at: now.millisecondsSince1970))
        if let deadline, deadline <= now {
            result.state = .breached
        } else if !clock.isRunning(at: now) {
            result.state = .paused
        } else if let warningAt, warningAt <= now {
            result.state = .warning
            result.nextChangeAt = deadline
        } else {
            result.state = .within
            result.nextChangeAt = warningAt ?? deadline
        }
        return result
    }
}
