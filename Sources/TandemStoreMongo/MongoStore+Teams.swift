// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

extension MongoStore {
    /// Inserts a team with its members (one document).
    /// - Throws: ``StoreError/duplicate(kind:field:)`` with field `id`, or `name`
    ///   (ASCII case-insensitive) when taken, or kind `teamMember` when a user is
    ///   listed twice; ``StoreError/notFound(kind:id:)`` with kind `user` when a
    ///   member is not a user. Nothing is written then.
    public func createTeam(_ team: Team) async throws {
        try await perform("createTeam") {
            try await checkMembers(of: team, existing: false)
            do {
                try await teams.insertOne(MongoRecords.document(team))
            } catch  where isDuplicateKey(error) {
                let sameID = try await teams.countDocuments(["key": .string(team.id.rawValue)])
                throw StoreError.duplicate(kind: "team", field: sameID > 0 ? "id" : "name")
            }
        }
    }

    /// The team with that id and its members, in their stored order.
    public func team(id: TeamID) async throws -> Team? {
        try await perform("teamByID") {
            try await teams.findOne(["key": .string(id.rawValue)], projection: MongoRecords.withoutObjectID)
                .map(MongoRecords.team)
        }
    }

    /// Replaces the team's fields and its whole membership in one document update.
    /// - Throws: ``StoreError/notFound(kind:id:)`` when the team (kind `team`) or a
    ///   member (kind `user`) is absent; ``StoreError/duplicate(kind:field:)`` when
    ///   the new name is taken or a user is listed twice.
    public func updateTeam(_ team: Team) async throws {
        try await perform("updateTeam") {
            try await checkMembers(of: team, existing: true)
            let result: MongoCollection.UpdateResult
            do {
                result = try await teams.replaceOne(["key": .string(team.id.rawValue)], MongoRecords.document(team))
            } catch  where isDuplicateKey(error) {
                throw StoreError.duplicate(kind: "team", field: "name")
            }
            guard result.matched > 0 else { throw StoreError.notFound(kind: "team", id: team.id.rawValue) }
        }
    }

    /// Teams in id order, with their members.
    public func listTeams(page: PageRequest) async throws -> Page<Team> {
        let limit = Pagination.clamp(page.limit)
        let after = try Pagination.start(page, listing: "teams")
        return try await perform("listTeams") {
            let found = try await teams.find(
                after.map { ["key": ["$gt": .string($0)]] } ?? [:],
                options: MongoFindOptions(sort: ["key": 1], projection: MongoRecords.withoutObjectID, limit: limit + 1))
            return Pagination.page(try found.map(MongoRecords.team), limit: limit, listing: "teams") { $0.id.rawValue }
        }
    }

    /// The teams `userID` belongs to, with the role held in each.
    public func memberships(of userID: UserID) async throws -> [TeamID: TeamRole] {
        try await perform("memberships") {
            let found = try await teams.find(
                ["memberKeys": .string(userID.rawValue)], options: MongoFindOptions(projection: MongoRecords.withoutObjectID))
            var memberships: [TeamID: TeamRole] = [:]
            for document in found {
                let team = try MongoRecords.team(document)
                if let member = team.members.first(where: { $0.userID == userID }) {
                    memberships[team.id] = member.role
                }
            }
            return memberships
        }
    }

    /// Refuses a membership listing a user twice or a user that does not exist,
    /// naming the first offending member in order (as a row-by-row insert would).
    /// For an update, a missing team or a taken name is reported first.
    private func checkMembers(of team: Team, existing: Bool) async throws {
        guard !team.members.isEmpty else { return }
        let ids = Array(Set(team.members.map(\.userID.rawValue)))
        let found = try await users.find(
            ["key": ["$in": .strings(ids)]], options: MongoFindOptions(projection: ["_id": 0, "key": 1]))
        let known = Set(found.compactMap { $0["key"]?.stringValue })
        var seen: Set<UserID> = []
        var failure: StoreError?
        for member in team.members {
            if !known.contains(member.userID.rawValue) {
                failure = .notFound(kind: "user", id: member.userID.rawValue)
                break
            }
            if !seen.insert(member.userID).inserted {
                failure = .duplicate(kind: "teamMember", field: "userID")
                break
            }
        }
        guard let failure else { return }
        if existing {
            let stored = try await teams.findOne(["key": .string(team.id.rawValue)], projection: ["_id": 0, "key": 1])
            if stored == nil { throw StoreError.notFound(kind: "team", id: team.id.rawValue) }
        }
        let sameName = try await teams.countDocuments([
            "nameKey": .string(MongoText.asciiKey(team.name)), "key": ["$ne": .string(team.id.rawValue)],
        ])
        if sameName > 0 { throw StoreError.duplicate(kind: "team", field: "name") }
        throw failure
    }
}
