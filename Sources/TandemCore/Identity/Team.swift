// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// How a user belongs to a team.
public enum TeamRole: String, Codable, Sendable, CaseIterable {
    case agent
    case supervisor
}

/// One member of a team.
public struct TeamMember: Codable, Sendable, Hashable {
    public var userID: UserID
    public var role: TeamRole

    public init(userID: UserID, role: TeamRole) {
        self.userID = userID
        self.role = role
    }
}

/// A group of agents and supervisors that owns a queue of tickets.
public struct Team: Codable, Sendable, Hashable, Identifiable {
    public var id: TeamID
    /// Unique, case-insensitively.
    public var name: String
    public var members: [TeamMember]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(id: TeamID, name: String, members: [TeamMember] = [], createdAt: Timestamp, updatedAt: Timestamp) {
        self.id = id
        self.name = name
        self.members = members
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
