// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The response and resolution promises for the tickets a policy's conditions select.
///
/// Targets are business time on the policy's calendar (the caller resolves `calendarID`;
/// nil means ``BusinessCalendar/alwaysOpen``). Policies are tried in order; the first whose
/// conditions match a ticket applies.
public struct SLAPolicy: Hashable, Sendable {
    public let name: String
    public let conditions: SLAConditions
    public let calendarID: String?
    /// Per target kind, the business time allowed.
    public let targets: [SLATargetKind: Duration]
    public let warning: SLAWarning?

    /// The longest target a policy may set.
    public static let maximumTarget: Duration = .seconds(366 * 86_400)

    /// A validated policy. Field names in errors: `name`, `targets`, `targets.firstResponse`,
    /// `targets.nextResponse`, `targets.resolution`, `warning.fraction`, `warning.before`.
    public init(
        name: String, conditions: SLAConditions = SLAConditions(), calendarID: String? = nil,
        targets: [SLATargetKind: Duration], warning: SLAWarning? = nil
    ) throws(ValidationError) {
        self.name = try Validators.name(name)
        if targets.isEmpty {
            throw ValidationError(field: "targets", code: "required", message: "targets must set at least one target.")
        }
        for kind in SLATargetKind.allCases {
            guard let target = targets[kind] else { continue }
            let field = "targets.\(kind.rawValue)"
            if target <= .zero {
                throw ValidationError(field: field, code: "not_positive", message: "\(field) must be longer than zero.")
            }
            if target > Self.maximumTarget {
                throw ValidationError(field: field, code: "too_long", message: "\(field) must be at most 366 days.")
            }
        }
        switch warning {
        case .fraction(let fraction) where !(fraction > 0 && fraction < 1):
            throw ValidationError(
                field: "warning.fraction", code: "out_of_range",
                message: "warning.fraction must lie between 0 and 1 (exclusive), such as 0.75.")
        case .before(let before) where before <= .zero:
            throw ValidationError(
                field: "warning.before", code: "not_positive", message: "warning.before must be longer than zero.")
        case .before(let before):
            if let kind = SLATargetKind.allCases.first(where: { targets[$0].map { $0 <= before } ?? false }) {
                throw ValidationError(
                    field: "warning.before", code: "out_of_range",
                    message: "warning.before must be shorter than every target; targets.\(kind.rawValue) is not longer.")
            }
        default: break
        }
        self.conditions = conditions
        self.calendarID = calendarID
        self.targets = targets
        self.warning = warning
    }

    /// The first of `policies` whose conditions match.
    public static func first(
        of policies: [SLAPolicy], priority: TicketPriority, team: TeamID?
    ) -> SLAPolicy? {
        policies.first { $0.conditions.matches(priority: priority, team: team) }
    }

    /// How much of `target` may pass before the target warns.
    func warningAmount(for target: Int64) -> Int64? {
        switch warning {
        case nil: nil
        case .fraction(let fraction): Int64((Double(target) * fraction).rounded(.down))
        case .before(let before): target - before.milliseconds
        }
    }
}

/// What a ticket must be for a policy to apply; an empty set matches anything.
public struct SLAConditions: Hashable, Sendable {
    public var priorities: Set<TicketPriority>
    public var teams: Set<TeamID>

    public init(priorities: Set<TicketPriority> = [], teams: Set<TeamID> = []) {
        self.priorities = priorities
        self.teams = teams
    }

    public func matches(priority: TicketPriority, team: TeamID?) -> Bool {
        (priorities.isEmpty || priorities.contains(priority))
            && (teams.isEmpty || team.map { teams.contains($0) } ?? false)
    }
}

/// When a running target starts to warn.
public enum SLAWarning: Hashable, Sendable {
    /// Once this share of the target has passed (0 < fraction < 1), e.g. 0.75.
    case fraction(Double)
    /// Once only this much business time is left.
    case before(Duration)
}

/// The promises a policy can make.
public enum SLATargetKind: String, Hashable, Sendable, CaseIterable {
    /// From the ticket's creation to the first public agent reply.
    case firstResponse
    /// From a customer's message (after the first reply) to the next public agent reply.
    case nextResponse
    /// From the ticket's creation to solved.
    case resolution
}
