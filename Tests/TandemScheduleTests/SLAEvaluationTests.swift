// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@testable import TandemSchedule

/// States, deadlines and next-change instants of first response, next response and resolution.
@Suite struct SLAEvaluationTests {
    static let t0 = Timestamp(millisecondsSince1970: 1_750_000_000_000)
    static func minutes(_ value: Int64) -> Timestamp { t0.adding(seconds: value * 60) }

    static let policy = try! SLAPolicy(
        name: "Standard",
        targets: [.firstResponse: .seconds(3600), .nextResponse: .seconds(7200), .resolution: .seconds(8 * 3600)],
        warning: .fraction(0.75))

    func evaluate(
        _ events: [TicketTimeline.Event], now: Int64, policy: SLAPolicy = Self.policy,
        calendar: BusinessCalendar = .alwaysOpen, created: Timestamp = Self.t0
    ) -> [SLATargetKind: SLATargetStatus] {
        let evaluation = SLAEvaluation(
            policy: policy, calendar: calendar, timeline: TicketTimeline(createdAt: created, events: events),
            now: Self.minutes(now))
        return Dictionary(uniqueKeysWithValues: evaluation.targets.map { ($0.kind, $0) })
    }

    @Test func firstResponseGoesWithinWarningBreachedAndSaysWhenItChangesNext() {
        let within = evaluate([], now: 30)[.firstResponse]!
        #expect(within.state == .within && within.nextChangeAt == Self.minutes(45) && within.deadline == Self.minutes(60))
        let warning = evaluate([], now: 50)[.firstResponse]!
        #expect(warning.state == .warning && warning.nextChangeAt == Self.minutes(60))
        let breached = evaluate([], now: 60)[.firstResponse]!
        #expect(breached.state == .breached && breached.nextChangeAt == nil && breached.elapsed == .seconds(3600))
        let met = evaluate([.agentMessage(Self.minutes(40))], now: 90)[.firstResponse]!
        #expect(met.state == .met && met.completedAt == Self.minutes(40) && met.elapsed == .seconds(2400))
        let late = evaluate([.agentMessage(Self.minutes(75))], now: 90)[.firstResponse]!
        #expect(late.state == .breached && late.completedAt == Self.minutes(75))
        // The earliest change across targets is what a job should be scheduled for.
        let evaluation = SLAEvaluation(
            policy: Self.policy, calendar: .alwaysOpen, timeline: TicketTimeline(createdAt: Self.t0), now: Self.minutes(10))
        #expect(evaluation.nextChangeAt == Self.minutes(45))
    }

    @Test func pendingAndOnHoldPauseTheClock() {
        let events: [TicketTimeline.Event] = [.status(Self.minutes(20), .pending), .status(Self.minutes(120), .open)]
        let paused = evaluate(events, now: 60)[.firstResponse]!
        #expect(paused.state == .paused && paused.deadline == nil && paused.nextChangeAt == nil)
        #expect(paused.elapsed == .seconds(20 * 60))
        let resumed = evaluate(events, now: 150)[.firstResponse]!
        #expect(resumed.state == .warning && resumed.elapsed == .seconds(50 * 60) && resumed.deadline == Self.minutes(160))
        // A breach stays a breach while paused.
        let breachedThenHeld = evaluate([.status(Self.minutes(70), .onHold)], now: 100)[.firstResponse]!
        #expect(breachedThenHeld.state == .breached && breachedThenHeld.deadline == Self.minutes(60))
    }

    @Test func nextResponseCyclesStartAtTheCustomersMessageAfterAReply() {
        // A customer message before the first reply belongs to the first response.
        #expect(evaluate([.customerMessage(Self.minutes(5))], now: 10)[.nextResponse] == nil)
        let events: [TicketTimeline.Event] = [
            .agentMessage(Self.minutes(10)), .customerMessage(Self.minutes(60)), .customerMessage(Self.minutes(70)),
        ]
        let open = evaluate(events, now: 120)[.nextResponse]!
        #expect(open.startedAt == Self.minutes(60) && open.state == .within && open.nextChangeAt == Self.minutes(150))
        let lateReply = evaluate(events + [.agentMessage(Self.minutes(210))], now: 220)[.nextResponse]!
        #expect(lateReply.state == .breached && lateReply.completedAt == Self.minutes(210))
        let nextCycle = evaluate(events + [.agentMessage(Self.minutes(210)), .customerMessage(Self.minutes(240))], now: 250)[
            .nextResponse]!
        #expect(nextCycle.startedAt == Self.minutes(240) && nextCycle.state == .within)
        // Solving answers the open cycle.
        let solved = evaluate(events + [.status(Self.minutes(100), .solved)], now: 300)[.nextResponse]!
        #expect(solved.state == .met && solved.completedAt == Self.minutes(100))
    }

    @Test func resolutionIsMetWhileSolvedAndResumesOnReopen() {
        let solved: [TicketTimeline.Event] = [.agentMessage(Self.minutes(10)), .status(Self.minutes(300), .solved)]
        let met = evaluate(solved, now: 360)[.resolution]!
        #expect(met.state == .met && met.completedAt == Self.minutes(300) && met.elapsed == .seconds(300 * 60))
        let reopened = solved + [.status(Self.minutes(360), .open)]
        let running = evaluate(reopened, now: 400)[.resolution]!
        #expect(running.state == .within && running.completedAt == nil && running.elapsed == .seconds(340 * 60))
        #expect(running.deadline == Self.minutes(540) && running.warningAt == Self.minutes(420))
        #expect(evaluate(reopened, now: 420)[.resolution]!.state == .warning)
        #expect(evaluate(reopened, now: 540)[.resolution]!.state == .breached)
        // Closing after solving keeps the solve time.
        #expect(evaluate(solved + [.status(Self.minutes(400), .closed)], now: 500)[.resolution]!.completedAt == Self.minutes(300))
    }

    @Test func aWarningBeforeTheDeadlineAndBusinessHours() throws {
        let calendar = try BusinessCalendar(
            timeZone: "Europe/Berlin",
            hours: Dictionary(uniqueKeysWithValues: BusinessCalendarTests.weekdays.map { ($0, [TimeRange("09:00-17:00")!]) }))
        let policy = try SLAPolicy(
            name: "Office", targets: [.firstResponse: .seconds(4 * 3600)], warning: .before(.seconds(3600)))
        // Friday 2025-06-06 16:00 CEST: 1 h on Friday, 3 h on Monday.
        let created = BusinessCalendarTests.at("2025-06-06T14:00:00Z")
        let evaluation = SLAEvaluation(
            policy: policy, calendar: calendar, timeline: TicketTimeline(createdAt: created),
            now: BusinessCalendarTests.at("2025-06-07T12:00:00Z"))
        let status = evaluation.targets[0]
        #expect(status.state == .within && status.elapsed == .seconds(3600))
        #expect(status.deadline == BusinessCalendarTests.at("2025-06-09T10:00:00Z"))
        #expect(status.warningAt == BusinessCalendarTests.at("2025-06-09T09:00:00Z"))
        #expect(evaluation.nextChangeAt == status.warningAt)
        #expect(evaluation.targets.map(\.kind) == [.firstResponse])
    }

    @Test func policiesAreValidatedAndChosenInOrder() throws {
        func failure(_ body: () throws -> SLAPolicy) -> ValidationError? {
            do {
                _ = try body()
                return nil
            } catch {
                return error as? ValidationError
            }
        }
        #expect(failure { try SLAPolicy(name: "x", targets: [.resolution: .seconds(-5)]) }?.field == "targets.resolution")
        #expect(failure { try SLAPolicy(name: "x", targets: [.firstResponse: .zero]) }?.code == "not_positive")
        #expect(failure { try SLAPolicy(name: "x", targets: [:]) }?.field == "targets")
        #expect(failure { try SLAPolicy(name: " ", targets: [.firstResponse: .seconds(60)]) }?.field == "name")
        #expect(
            failure { try SLAPolicy(name: "x", targets: [.firstResponse: .seconds(60)], warning: .fraction(1.5)) }?.field
                == "warning.fraction")
        #expect(
            failure { try SLAPolicy(name: "x", targets: [.firstResponse: .seconds(60)], warning: .fraction(.nan)) }?.field
                == "warning.fraction")
        let before = failure {
            try SLAPolicy(
                name: "x", targets: [.firstResponse: .seconds(600), .resolution: .seconds(60)], warning: .before(.seconds(60)))
        }
        #expect(before?.field == "warning.before" && before?.code == "out_of_range")
        #expect(failure { try SLAPolicy(name: "x", targets: [.resolution: .seconds(400 * 86_400)]) }?.code == "too_long")

        let urgentTeam = TeamID("tea_1")
        let urgent = try SLAPolicy(
            name: "Urgent", conditions: SLAConditions(priorities: [.urgent, .high], teams: [urgentTeam]),
            targets: [.firstResponse: .seconds(900)])
        let fallback = try SLAPolicy(name: "Default", targets: [.firstResponse: .seconds(3600)])
        #expect(SLAPolicy.first(of: [urgent, fallback], priority: .urgent, team: urgentTeam)?.name == "Urgent")
        #expect(SLAPolicy.first(of: [urgent, fallback], priority: .urgent, team: TeamID("tea_2"))?.name == "Default")
        #expect(SLAPolicy.first(of: [urgent, fallback], priority: .low, team: urgentTeam)?.name == "Default")
        #expect(SLAPolicy.first(of: [urgent], priority: .high, team: nil) == nil)
    }
}
