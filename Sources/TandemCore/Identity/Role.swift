// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// What a user is in Tandem. Roles are ordered by reach, not by trust:
/// a supervisor can do everything an agent can, an admin everything.
public enum Role: String, Codable, Sendable, CaseIterable, Comparable {
    /// Opens tickets and sees only their own.
    case customer
    /// Works the tickets of their teams.
    case agent
    /// An agent who also watches their teams' dashboards and manages their queues.
    case supervisor
    /// Manages users, teams and every record.
    case admin

    private var rank: Int {
        switch self {
        case .customer: 0
        case .agent: 1
        case .supervisor: 2
        case .admin: 3
        }
    }

    public static func < (lhs: Role, rhs: Role) -> Bool { lhs.rank < rhs.rank }

    /// Whether this role belongs to the support staff (agent and above).
    public var isStaff: Bool { self >= .agent }
}
