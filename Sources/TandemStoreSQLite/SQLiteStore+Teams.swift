// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    /// Inserts a team and its members in one transaction.
    /// - Throws: ``StoreError/duplicate(kind:field:)`` with field `name` (compared
    ///   case-insensitively) or `id` when taken; ``StoreError/notFound(kind:id:)``
    ///   with kind `user` when a member is not a user.
    public func createTeam(_ team: Team) async throws {
        try await write("createTeam") { db in
            try db.execute(
                sql: "INSERT INTO teams (\(SQLiteRows.teamColumns)) VALUES (?, ?, ?, ?)",
                arguments: [
                    team.id.rawValue, team.name,
                    team.createdAt.millisecondsSince1970, team.updatedAt.millisecondsSince1970,
                ]
            )
            try Self.insertMembers(of: team, in: db)
        }
    }

    /// The team with that id and its members, in their stored order.
    public func team(id: TeamID) async throws -> Team? {
        try await read("teamByID") { db in
            guard
                var team = try Row.fetchOne(
                    db, sql: "SELECT \(SQLiteRows.teamColumns) FROM teams WHERE id = ?", arguments: [id.rawValue]
                ).map(SQLiteRows.team)
            else { return nil }
            team.members = try Self.members(of: [team.id], in: db)[team.id] ?? []
            return team
        }
    }

    /// Replaces the team's fields and its whole membership in one transaction.
    /// - Throws: ``StoreError/notFound(kind:id:)`` when the team (kind `team`) or
    ///   a member (kind `user`) is absent; ``StoreError/duplicate(kind:field:)``
    ///   when the new name is taken.
    public func updateTeam(_ team: Team) async throws {
        try await write("updateTeam") { db in
            try db.execute(
                sql: "UPDATE teams SET name = ?, created_at = ?, updated_at = ? WHERE id = ?",
                arguments: [
                    team.name, team.createdAt.millisecondsSince1970, team.updatedAt.millisecondsSince1970,
                    team.id.rawValue,
                ]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound(kind: "team", id: team.id.rawValue) }
            try db.execute(sql: "DELETE FROM team_members WHERE team_id = ?", arguments: [team.id.rawValue])
            try Self.insertMembers(of: team, in: db)
        }
    }

    /// Teams in id order, with their members.
    public func listTeams(page: PageRequest) async throws -> Page<Team> {
        let limit = Pagination.clamp(page.limit)
        let after = try Pagination.start(page, listing: "teams")
        let teams = try await read("listTeams") { db in
            var teams = try Row.fetchAll(
                db,
                sql: "SELECT \(SQLiteRows.teamColumns) FROM teams WHERE id > ? ORDER BY id LIMIT ?",
                arguments: [after ?? "", limit + 1]
            ).map(SQLiteRows.team)
            let members = try Self.members(of: teams.map(\.id), in: db)
            for index in teams.indices {
                teams[index].members = members[teams[index].id] ?? []
            }
            return teams
        }
        return Pagination.page(teams, limit: limit, listing: "teams") { $0.id.rawValue }
    }

    /// The teams `userID` belongs to, with the role held in each.
    public func memberships(of userID: UserID) async throws -> [TeamID: TeamRole] {
        try await read("memberships") { db in
            let rows = try Row.fetchAll(
                db, sql: "SELECT team_id, user_id, role FROM team_members WHERE user_id = ?",
                arguments: [userID.rawValue]
            )
            var memberships: [TeamID: TeamRole] = [:]
            for row in rows {
                let (teamID, member) = try SQLiteRows.member(row)
                memberships[teamID] = member.role
            }
            return memberships
        }
    }

    // MARK: - Members

    static func insertMembers(of team: Team, in db: Database) throws {
        let statement = try db.cachedStatement(
            sql: "INSERT INTO team_members (team_id, user_id, role, position) VALUES (?, ?, ?, ?)"
        )
        for (position, member) in team.members.enumerated() {
            do {
                try statement.execute(arguments: [team.id.rawValue, member.userID.rawValue, member.role.rawValue, position])
            } catch  where SQLiteErrors.isForeignKeyViolation(error) {
                throw StoreError.notFound(kind: "user", id: member.userID.rawValue)
            }
        }
    }

    /// The members of each of `teamIDs`, in their stored order.
    private static func members(of teamIDs: [TeamID], in db: Database) throws -> [TeamID: [TeamMember]] {
        guard !teamIDs.isEmpty else { return [:] }
        let placeholders = Array(repeating: "?", count: teamIDs.count).joined(separator: ", ")
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT team_id, user_id, role FROM team_members
                WHERE team_id IN (\(placeholders)) ORDER BY team_id, position
                """,
            arguments: StatementArguments(teamIDs.map(\.rawValue))
        )
        var members: [TeamID: [TeamMember]] = [:]
        for row in rows {
            let (teamID, member) = try SQLiteRows.member(row)
            members[teamID, default: []].append(member)
        }
        return members
    }
}
