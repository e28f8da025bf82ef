// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Filters for listing users.
public struct UserFilter: Sendable, Hashable {
    public var role: Role?
    public var disabled: Bool?
    /// Case-insensitive substring of the name or email.
    public var query: String?
    /// Only members of this team.
    public var teamID: TeamID?

    public init(role: Role? = nil, disabled: Bool? = nil, query: String? = nil, teamID: TeamID? = nil) {
        self.role = role
        self.disabled = disabled
        self.query = query
        self.teamID = teamID
    }
}

/// Users: people who sign in.
public protocol UserStore: Sendable {
    /// Inserts a user; ``StoreError/duplicate(kind:field:)`` with field `email` when taken.
    func createUser(_ user: User) async throws
    func user(id: UserID) async throws -> User?
    /// Looks a user up by e-mail, case-insensitively.
    func user(email: String) async throws -> User?
    /// Replaces a user; ``StoreError/notFound(kind:id:)`` when absent.
    func updateUser(_ user: User) async throws
    /// Replaces a user only while the stored record still equals `previous` (the one the
    /// change was computed from), so that a stale write never undoes a concurrent change.
    /// - Throws: ``StoreError/versionConflict(kind:id:version:)`` (kind `user`, version
    ///   `previous.updatedAt` in milliseconds) when it changed meanwhile;
    ///   ``StoreError/notFound(kind:id:)`` when absent; ``StoreError/duplicate(kind:field:)``.
    func updateUser(_ user: User, expecting previous: User) async throws
    /// Users in id (creation) order, filtered.
    func listUsers(_ filter: UserFilter, page: PageRequest) async throws -> Page<User>
    func countUsers() async throws -> Int
}

/// Teams and their members.
public protocol TeamStore: Sendable {
    /// Inserts a team; ``StoreError/duplicate(kind:field:)`` with field `name` when taken.
    func createTeam(_ team: Team) async throws
    func team(id: TeamID) async throws -> Team?
    /// Replaces a team and its membership; ``StoreError/notFound(kind:id:)`` when absent.
    func updateTeam(_ team: Team) async throws
    /// Teams in id (creation) order.
    func listTeams(page: PageRequest) async throws -> Page<Team>
    /// The teams `userID` belongs to, with the role held in each.
    func memberships(of userID: UserID) async throws -> [TeamID: TeamRole]
}

/// Server-side sign-in sessions.
public protocol SessionStore: Sendable {
    func createSession(_ session: Session) async throws
    func session(id: SessionID) async throws -> Session?
    /// Replaces the refresh token hash (rotation); ``StoreError/notFound(kind:id:)`` when absent.
    func rotateRefreshToken(sessionID: SessionID, newHash: String, expiresAt: Timestamp) async throws
    /// Revokes one session; a no-op when already revoked.
    func revokeSession(id: SessionID, at: Timestamp) async throws
    /// Revokes every active session of a user, except `keeping` if given. Returns the ids revoked.
    @discardableResult
    func revokeSessions(of userID: UserID, except keeping: SessionID?, at: Timestamp) async throws -> [SessionID]
}
