// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Answers questions about people and teams that a change depends on.
public protocol TicketDirectory: Sendable {
    /// Whether `user` is an enabled staff member who may be assigned a ticket of `team`
    /// (a member of that team, or any staff member for the triage queue).
    func isAssignable(_ user: UserID, team: TeamID?) async -> Bool
    /// Whether `team` exists.
    func teamExists(_ team: TeamID) async -> Bool
}
