// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Something a principal may try to do. Every route and every WebSocket
/// message maps to exactly one action.
public enum Action: String, Sendable, Hashable, Codable, CaseIterable {
    // Users
    case listUsers
    case readUser
    case createUser
    /// Change name or e-mail.
    case updateUserProfile
    /// Change role.
    case changeUserRole
    case disableUser

    // Teams
    case listTeams
    case readTeam
    case createTeam
    case renameTeam
    /// Add or remove agents; supervisors of the team may do this too.
    case manageTeamMembers
    /// Watch the live queue dashboard of the team.
    case viewTeamDashboard

    // Tickets
    case createTicket
    case readTicket
    /// Change status, priority, assignee, team, tags or subject.
    case updateTicket
    /// Co-edit the description.
    case editDescription
    /// Post a public reply.
    case commentPublic
    /// Read and write internal notes, internal comments and the shared reply draft.
    case workInternal

    // Operations
    /// Inspect the job engine's queues and failed jobs, retry or discard them (admins only).
    case manageJobs
}
