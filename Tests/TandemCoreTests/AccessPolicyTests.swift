// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

/// The access policy, walked exhaustively: every role x every action x every
/// ownership/membership case, each with its expected decision written out by hand.
///
/// The principals, one per role:
/// - customer: no teams
/// - agent: agent of team A
/// - supervisor: agent of team A and supervisor of team S
/// - admin: no teams
///
/// Each row of ``table`` names an action and a case and gives the expected
/// decision for customer, agent, supervisor, admin, in that order (`Y` allow, `n` deny).
@Suite struct AccessPolicyTests {
    // MARK: Fixtures

    static let me = UserID("usr_ME")
    static let other = UserID("usr_OTHER")
    static let teamA = TeamID("team_A")  // the principal is an agent here (agent and supervisor roles)
    static let teamS = TeamID("team_S")  // the supervisor principal supervises this team
    static let teamB = TeamID("team_B")  // nobody in the fixture belongs to this team

    static func principal(_ role: Role) -> Principal {
        switch role {
        case .customer: Principal(userID: me, role: .customer)
        case .agent: Principal(userID: me, role: .agent, teams: [teamA: .agent])
        case .supervisor: Principal(userID: me, role: .supervisor, teams: [teamA: .agent, teamS: .supervisor])
        case .admin: Principal(userID: me, role: .admin)
        }
    }

    /// What an action is tried on, relative to the principal.
    enum Case: String, CaseIterable, Sendable {
        /// The collection / the system.
        case system
        // Users
        case selfUser  // the principal's own account
        case customerUser  // another user, a customer, in no team
        case teammateInA  // another agent, member of team A
        case memberOfS  // another agent, member of team S
        case memberOfB  // another agent, member of team B only
        case staffNoTeam  // another agent, in no team
        // Teams
        case teamA, teamS, teamB
        // Tickets
        case ownTicketNoTeam  // the principal asked; no team owns it yet
        case ownTicketInB  // the principal asked; team B owns it
        case ticketInA  // someone else asked; team A owns it
        case ticketInS  // someone else asked; team S owns it
        case ticketInB  // someone else asked; team B owns it
        case ticketNoTeam  // someone else asked; in the triage queue

        func resource(for role: Role) -> Resource {
            let me = AccessPolicyTests.me, other = AccessPolicyTests.other
            let a = AccessPolicyTests.teamA, s = AccessPolicyTests.teamS, b = AccessPolicyTests.teamB
            switch self {
            case .system: return .system
            case .selfUser:
                return .user(id: me, role: role, teams: Set(AccessPolicyTests.principal(role).teams.keys))
            case .customerUser: return .user(id: other, role: .customer, teams: [])
            case .teammateInA: return .user(id: other, role: .agent, teams: [a])
            case .memberOfS: return .user(id: other, role: .agent, teams: [s])
            case .memberOfB: return .user(id: other, role: .agent, teams: [b])
            case .staffNoTeam: return .user(id: other, role: .agent, teams: [])
            case .teamA: return .team(a)
            case .teamS: return .team(s)
            case .teamB: return .team(b)
            case .ownTicketNoTeam: return .ticket(requester: me, team: nil)
            case .ownTicketInB: return .ticket(requester: me, team: b)
            case .ticketInA: return .ticket(requester: other, team: a)
            case .ticketInS: return .ticket(requester: other, team: s)
            case .ticketInB: return .ticket(requester: other, team: b)
            case .ticketNoTeam: return .ticket(requester: other, team: nil)
            }
        }

        static let userCases: [Case] = [.system, .selfUser, .customerUser, .teammateInA, .memberOfS, .memberOfB, .staffNoTeam]
        static let teamCases: [Case] = [.system, .teamA, .teamS, .teamB]
        static let ticketCases: [Case] = [
            .system, .ownTicketNoTeam, .ownTicketInB, .ticketInA, .ticketInS, .ticketInB, .ticketNoTeam,
        ]
    }

    /// The cases that apply to an action, by the kind of record it acts on.
    static func cases(for action: Action) -> [Case] {
        switch action {
        case .listUsers, .readUser, .createUser, .updateUserProfile, .changeUserRole, .disableUser: Case.userCases
        case .listTeams, .readTeam, .createTeam, .renameTeam, .manageTeamMembers, .viewTeamDashboard: Case.teamCases
        case .createTicket, .readTicket, .updateTicket, .editDescription, .commentPublic, .workInternal: Case.ticketCases
        case .manageJobs: [.system]
        }
    }

    struct Row: Sendable, CustomTestStringConvertible {
        var action: Action
        var target: Case
        /// Expected decisions for customer, agent, supervisor, admin.
        var expected: String
        var testDescription: String { "\(action.rawValue) on \(target.rawValue): \(expected)" }
    }

    static func row(_ action: Action, _ target: Case, _ expected: String) -> Row {
        Row(action: action, target: target, expected: expected)
    }

    // MARK: The table
    //                                          C A S Ad
    static let table: [Row] = [
        // listUsers: staff may list (the route narrows what they see); customers may not.
        row(.listUsers, .system, "nYYY"),
        row(.listUsers, .selfUser, "nYYY"),
        row(.listUsers, .customerUser, "nYYY"),
        row(.listUsers, .teammateInA, "nYYY"),
        row(.listUsers, .memberOfS, "nYYY"),
        row(.listUsers, .memberOfB, "nYYY"),
        row(.listUsers, .staffNoTeam, "nYYY"),
        // readUser: self; staff see customers and members of their own teams.
        row(.readUser, .system, "nnnY"),
        row(.readUser, .selfUser, "YYYY"),
        row(.readUser, .customerUser, "nYYY"),
        row(.readUser, .teammateInA, "nYYY"),
        row(.readUser, .memberOfS, "nnYY"),
        row(.readUser, .memberOfB, "nnnY"),
        row(.readUser, .staffNoTeam, "nnnY"),
        // createUser: admins only.
        row(.createUser, .system, "nnnY"),
        row(.createUser, .selfUser, "nnnY"),
        row(.createUser, .customerUser, "nnnY"),
        row(.createUser, .teammateInA, "nnnY"),
        row(.createUser, .memberOfS, "nnnY"),
        row(.createUser, .memberOfB, "nnnY"),
        row(.createUser, .staffNoTeam, "nnnY"),
        // updateUserProfile: one's own; admins anyone's.
        row(.updateUserProfile, .system, "nnnY"),
        row(.updateUserProfile, .selfUser, "YYYY"),
        row(.updateUserProfile, .customerUser, "nnnY"),
        row(.updateUserProfile, .teammateInA, "nnnY"),
        row(.updateUserProfile, .memberOfS, "nnnY"),
        row(.updateUserProfile, .memberOfB, "nnnY"),
        row(.updateUserProfile, .staffNoTeam, "nnnY"),
        // changeUserRole: admins only, never one's own role otherwise.
        row(.changeUserRole, .system, "nnnY"),
        row(.changeUserRole, .selfUser, "nnnY"),
        row(.changeUserRole, .customerUser, "nnnY"),
        row(.changeUserRole, .teammateInA, "nnnY"),
        row(.changeUserRole, .memberOfS, "nnnY"),
        row(.changeUserRole, .memberOfB, "nnnY"),
        row(.changeUserRole, .staffNoTeam, "nnnY"),
        // disableUser: admins only; a supervisor does not disable their agents.
        row(.disableUser, .system, "nnnY"),
        row(.disableUser, .selfUser, "nnnY"),
        row(.disableUser, .customerUser, "nnnY"),
        row(.disableUser, .teammateInA, "nnnY"),
        row(.disableUser, .memberOfS, "nnnY"),
        row(.disableUser, .memberOfB, "nnnY"),
        row(.disableUser, .staffNoTeam, "nnnY"),

        // listTeams: staff (the route shows non-admins their own teams).
        row(.listTeams, .system, "nYYY"),
        row(.listTeams, .teamA, "nYYY"),
        row(.listTeams, .teamS, "nYYY"),
        row(.listTeams, .teamB, "nYYY"),
        // readTeam: members (any team role).
        row(.readTeam, .system, "nnnY"),
        row(.readTeam, .teamA, "nYYY"),
        row(.readTeam, .teamS, "nnYY"),
        row(.readTeam, .teamB, "nnnY"),
        // createTeam, renameTeam: admins only.
        row(.createTeam, .system, "nnnY"),
        row(.createTeam, .teamA, "nnnY"),
        row(.createTeam, .teamS, "nnnY"),
        row(.createTeam, .teamB, "nnnY"),
        row(.renameTeam, .system, "nnnY"),
        row(.renameTeam, .teamA, "nnnY"),
        row(.renameTeam, .teamS, "nnnY"),
        row(.renameTeam, .teamB, "nnnY"),
        // manageTeamMembers: the team's supervisor, not a supervisor who is only an agent of it.
        row(.manageTeamMembers, .system, "nnnY"),
        row(.manageTeamMembers, .teamA, "nnnY"),
        row(.manageTeamMembers, .teamS, "nnYY"),
        row(.manageTeamMembers, .teamB, "nnnY"),
        // viewTeamDashboard: likewise.
        row(.viewTeamDashboard, .system, "nnnY"),
        row(.viewTeamDashboard, .teamA, "nnnY"),
        row(.viewTeamDashboard, .teamS, "nnYY"),
        row(.viewTeamDashboard, .teamB, "nnnY"),

        // createTicket: anyone.
        row(.createTicket, .system, "YYYY"),
        row(.createTicket, .ownTicketNoTeam, "YYYY"),
        row(.createTicket, .ownTicketInB, "YYYY"),
        row(.createTicket, .ticketInA, "YYYY"),
        row(.createTicket, .ticketInS, "YYYY"),
        row(.createTicket, .ticketInB, "YYYY"),
        row(.createTicket, .ticketNoTeam, "YYYY"),
        // readTicket: the requester; staff of the owning team; staff for the triage queue.
        row(.readTicket, .system, "nnnY"),
        row(.readTicket, .ownTicketNoTeam, "YYYY"),
        row(.readTicket, .ownTicketInB, "YYYY"),
        row(.readTicket, .ticketInA, "nYYY"),
        row(.readTicket, .ticketInS, "nnYY"),
        row(.readTicket, .ticketInB, "nnnY"),
        row(.readTicket, .ticketNoTeam, "nYYY"),
        // commentPublic: the same people as readTicket.
        row(.commentPublic, .system, "nnnY"),
        row(.commentPublic, .ownTicketNoTeam, "YYYY"),
        row(.commentPublic, .ownTicketInB, "YYYY"),
        row(.commentPublic, .ticketInA, "nYYY"),
        row(.commentPublic, .ticketInS, "nnYY"),
        row(.commentPublic, .ticketInB, "nnnY"),
        row(.commentPublic, .ticketNoTeam, "nYYY"),
        // updateTicket: staff of the owning team (or triage); being the requester is not enough.
        row(.updateTicket, .system, "nnnY"),
        row(.updateTicket, .ownTicketNoTeam, "nYYY"),
        row(.updateTicket, .ownTicketInB, "nnnY"),
        row(.updateTicket, .ticketInA, "nYYY"),
        row(.updateTicket, .ticketInS, "nnYY"),
        row(.updateTicket, .ticketInB, "nnnY"),
        row(.updateTicket, .ticketNoTeam, "nYYY"),
        // editDescription: likewise.
        row(.editDescription, .system, "nnnY"),
        row(.editDescription, .ownTicketNoTeam, "nYYY"),
        row(.editDescription, .ownTicketInB, "nnnY"),
        row(.editDescription, .ticketInA, "nYYY"),
        row(.editDescription, .ticketInS, "nnYY"),
        row(.editDescription, .ticketInB, "nnnY"),
        row(.editDescription, .ticketNoTeam, "nYYY"),
        // workInternal: internal notes are for staff of the owning team only; never customers.
        row(.workInternal, .system, "nnnY"),
        row(.workInternal, .ownTicketNoTeam, "nYYY"),
        row(.workInternal, .ownTicketInB, "nnnY"),
        row(.workInternal, .ticketInA, "nYYY"),
        row(.workInternal, .ticketInS, "nnYY"),
        row(.workInternal, .ticketInB, "nnnY"),
        row(.workInternal, .ticketNoTeam, "nYYY"),
        // manageJobs: the job engine's admin surface, admins only.
        row(.manageJobs, .system, "nnnY"),
    ]

    static let roles: [Role] = [.customer, .agent, .supervisor, .admin]

    // MARK: Tests

    @Test func tableCoversEveryRoleActionAndCaseExactlyOnce() {
        #expect(Set(Self.roles) == Set(Role.allCases))
        var seen: [String: Int] = [:]
        for row in Self.table {
            seen["\(row.action.rawValue)/\(row.target.rawValue)", default: 0] += 1
            #expect(row.expected.count == Self.roles.count, "\(row.testDescription)")
            #expect(row.expected.allSatisfy { $0 == "Y" || $0 == "n" }, "\(row.testDescription)")
        }
        for action in Action.allCases {
            for target in Self.cases(for: action) {
                #expect(seen["\(action.rawValue)/\(target.rawValue)"] == 1, "\(action) on \(target)")
            }
        }
        let expectedRows = Action.allCases.reduce(0) { $0 + Self.cases(for: $1).count }
        #expect(Self.table.count == expectedRows)
        // Every resource kind's cases together are all the cases.
        #expect(Set(Case.userCases + Case.teamCases + Case.ticketCases) == Set(Case.allCases))
    }

    @Test(arguments: table)
    func decision(_ row: Row) {
        for (index, role) in Self.roles.enumerated() {
            let expected = Array(row.expected)[index] == "Y"
            let decision = AccessPolicy().decide(Self.principal(role), row.action, row.target.resource(for: role))
            #expect(decision.isAllowed == expected, "\(role.rawValue) \(row.action.rawValue) \(row.target.rawValue)")
            if case .deny(let reason) = decision {
                #expect(!reason.isEmpty, "a refusal says why")
            }
        }
    }

    // MARK: Cases outside the per-role principals

    @Test func aTeamSupervisorMembershipWithoutTheSupervisorRoleGrantsNothingExtra() {
        // Data that should not occur (an agent recorded as a team's supervisor) must not escalate.
        let agent = Principal(userID: Self.me, role: .agent, teams: [Self.teamS: .supervisor])
        let policy = AccessPolicy()
        #expect(!policy.decide(agent, .manageTeamMembers, .team(Self.teamS)).isAllowed)
        #expect(!policy.decide(agent, .viewTeamDashboard, .team(Self.teamS)).isAllowed)
        #expect(policy.decide(agent, .readTeam, .team(Self.teamS)).isAllowed)
    }

    @Test func customersInTeamsStillReachOnlyTheirOwnTickets() {
        // Likewise: a customer wrongly recorded as a team member gains no staff reach.
        let customer = Principal(userID: Self.me, role: .customer, teams: [Self.teamA: .agent])
        let policy = AccessPolicy()
        #expect(!policy.decide(customer, .readTicket, .ticket(requester: Self.other, team: Self.teamA)).isAllowed)
        #expect(!policy.decide(customer, .workInternal, .ticket(requester: Self.me, team: Self.teamA)).isAllowed)
        #expect(!policy.decide(customer, .readUser, .user(id: Self.other, role: .customer, teams: [])).isAllowed)
        #expect(!policy.decide(customer, .listTeams, .system).isAllowed)
        #expect(!policy.decide(customer, .readTeam, .team(Self.teamA)).isAllowed)
        #expect(!policy.decide(customer, .readUser, .user(id: Self.other, role: .agent, teams: [Self.teamA])).isAllowed)
    }

    @Test func wrongResourceKindsAreRefused() {
        let policy = AccessPolicy()
        for role in [Role.customer, .agent, .supervisor] {
            let principal = Self.principal(role)
            #expect(!policy.decide(principal, .readUser, .team(Self.teamA)).isAllowed)
            #expect(!policy.decide(principal, .updateUserProfile, .ticket(requester: Self.me, team: nil)).isAllowed)
            #expect(!policy.decide(principal, .readTeam, .user(id: Self.me, role: role, teams: [])).isAllowed)
            #expect(!policy.decide(principal, .readTicket, .team(Self.teamA)).isAllowed)
            #expect(!policy.decide(principal, .updateTicket, .system).isAllowed)
        }
    }
}
