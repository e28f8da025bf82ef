// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Who is asking: an authenticated user with their role and team memberships,
/// as known at the time of the request.
public struct Principal: Sendable, Hashable, Codable {
    public var userID: UserID
    public var role: Role
    /// The teams the user belongs to and the role held in each.
    public var teams: [TeamID: TeamRole]

    public init(userID: UserID, role: Role, teams: [TeamID: TeamRole] = [:]) {
        self.userID = userID
        self.role = role
        self.teams = teams
    }

    /// Whether the principal is a member (agent or supervisor) of `team`.
    public func isMember(of team: TeamID) -> Bool { teams[team] != nil }

    /// Whether the principal supervises `team`.
    public func supervises(_ team: TeamID) -> Bool { teams[team] == .supervisor }
}
