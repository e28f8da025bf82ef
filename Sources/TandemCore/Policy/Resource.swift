// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// What an action is done to, with just the facts the policy needs.
public enum Resource: Sendable, Hashable {
    /// A collection or the system as a whole (listing, creating).
    case system
    /// A user account; `teams` are the teams that user belongs to.
    case user(id: UserID, role: Role, teams: Set<TeamID>)
    /// A team.
    case team(TeamID)
    /// A ticket, known by its requester and the team that owns it.
    case ticket(requester: UserID, team: TeamID?)
}
