// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The answer to "may P do A on R".
public enum Decision: Sendable, Hashable {
    case allow
    /// Refused; the reason is safe to show to the principal.
    case deny(String)

    public var isAllowed: Bool { self == .allow }
}

/// The single place where Tandem decides who may do what.
///
/// - Customers reach only their own records.
/// - Agents reach their teams' records and the customers they serve.
/// - Supervisors reach what their agents reach, plus their teams' dashboards and membership.
/// - Admins reach everything.
///
/// The policy is a pure function of its inputs: the caller loads the facts
/// (memberships, the ticket's requester and team) and asks.
public struct AccessPolicy: Sendable {
    public init() {}

    /// Decides whether `principal` may perform `action` on `resource`.
    public func decide(_ principal: Principal, _ action: Action, _ resource: Resource) -> Decision {
        if principal.role == .admin { return .allow }
        switch action {
        case .listUsers:
            // Staff may list; what they see is narrowed by the caller with
            // `visibleUserScope`. Customers may not list people.
            return principal.role.isStaff ? .allow : .deny("Only support staff may list users.")
        case .readUser:
            guard case .user(let id, let role, let teams) = resource else { return .deny("Not a user.") }
            if id == principal.userID { return .allow }
            if principal.role.isStaff && (role == .customer || !teams.isDisjoint(with: principal.teams.keys)) {
                return .allow
            }
            return .deny("You may not see this user.")
        case .updateUserProfile:
            guard case .user(let id, _, _) = resource else { return .deny("Not a user.") }
            return id == principal.userID ? .allow : .deny("Only an admin may change another user.")
        case .createUser, .changeUserRole, .disableUser, .createTeam, .renameTeam, .manageJobs:
            return .deny("Only an admin may do this.")
        case .listTeams:
            return principal.role.isStaff ? .allow : .deny("Only support staff may list teams.")
        case .readTeam:
            guard case .team(let team) = resource else { return .deny("Not a team.") }
            // Staff only: a membership left over from a role change gives a customer nothing.
            return principal.role.isStaff && principal.isMember(of: team)
                ? .allow : .deny("You are not a member of this team.")
        case .manageTeamMembers, .viewTeamDashboard:
            guard case .team(let team) = resource else { return .deny("Not a team.") }
            return principal.role == .supervisor && principal.supervises(team)
                ? .allow : .deny("Only a supervisor of this team may do this.")
        case .createTicket:
            return .allow
        case .readTicket, .commentPublic:
            guard case .ticket(let requester, let team) = resource else { return .deny("Not a ticket.") }
            if requester == principal.userID { return .allow }
            return staffReaches(principal, team) ? .allow : .deny("You may not see this ticket.")
        case .updateTicket, .editDescription, .workInternal:
            guard case .ticket(_, let team) = resource else { return .deny("Not a ticket.") }
            return staffReaches(principal, team) ? .allow : .deny("Only agents of the ticket's team may do this.")
        }
    }

    /// Staff reach tickets of their teams and tickets no team owns yet (the triage queue).
    private func staffReaches(_ principal: Principal, _ team: TeamID?) -> Bool {
        guard principal.role.isStaff else { return false }
        guard let team else { return true }
        return principal.isMember(of: team)
    }
}
