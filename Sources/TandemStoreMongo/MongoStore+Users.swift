// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

extension MongoStore {
    /// Inserts a user.
    /// - Throws: ``StoreError/duplicate(kind:field:)`` with field `id`, or `email`
    ///   (compared ASCII case-insensitively) when taken.
    public func createUser(_ user: User) async throws {
        try await perform("createUser") {
            do {
                try await users.insertOne(MongoRecords.document(user))
            } catch  where isDuplicateKey(error) {
                // Which unique index refused it: the id, or else the e-mail.
                let sameID = try await users.countDocuments(["key": .string(user.id.rawValue)])
                throw StoreError.duplicate(kind: "user", field: sameID > 0 ? "id" : "email")
            }
        }
    }

    /// The user with that id, if any.
    public func user(id: UserID) async throws -> User? {
        try await perform("userByID") {
            try await users.findOne(["key": .string(id.rawValue)], projection: MongoRecords.withoutObjectID)
                .map(MongoRecords.user)
        }
    }

    /// The user with that e-mail, compared case-insensitively (ASCII).
    public func user(email: String) async throws -> User? {
        try await perform("userByEmail") {
            try await users.findOne(
                ["emailKey": .string(MongoText.asciiKey(email))], projection: MongoRecords.withoutObjectID
            ).map(MongoRecords.user)
        }
    }

    /// Replaces every field of the user with that id.
    /// - Throws: ``StoreError/notFound(kind:id:)`` when absent,
    ///   ``StoreError/duplicate(kind:field:)`` when the new e-mail is taken.
    public func updateUser(_ user: User) async throws {
        try await perform("updateUser") {
            let result: MongoCollection.UpdateResult
            do {
                result = try await users.replaceOne(["key": .string(user.id.rawValue)], MongoRecords.document(user))
            } catch  where isDuplicateKey(error) {
                throw StoreError.duplicate(kind: "user", field: "email")
            }
            guard result.matched > 0 else { throw StoreError.notFound(kind: "user", id: user.id.rawValue) }
        }
    }

    /// Replaces the user while the stored document still equals `previous`.
    /// - Throws: ``StoreError/versionConflict(kind:id:version:)`` when it changed meanwhile,
    ///   ``StoreError/notFound(kind:id:)`` when absent, ``StoreError/duplicate(kind:field:)``.
    public func updateUser(_ user: User, expecting previous: User) async throws {
        try await perform("updateUserFenced") {
            let filter: BSONDocument = [
                "key": .string(previous.id.rawValue), "email": .string(previous.email), "name": .string(previous.name),
                "role": .string(previous.role.rawValue), "passwordHash": .string(previous.passwordHash),
                "disabled": .bool(previous.disabled), "updatedAt": .int64(previous.updatedAt.millisecondsSince1970),
            ]
            let result: MongoCollection.UpdateResult
            do {
                result = try await users.replaceOne(filter, MongoRecords.document(user))
            } catch  where isDuplicateKey(error) {
                throw StoreError.duplicate(kind: "user", field: "email")
            }
            guard result.matched == 0 else { return }
            guard try await users.countDocuments(["key": .string(user.id.rawValue)]) > 0 else {
                throw StoreError.notFound(kind: "user", id: user.id.rawValue)
            }
            throw StoreError.versionConflict(
                kind: "user", id: user.id.rawValue, version: previous.updatedAt.millisecondsSince1970)
        }
    }

    /// Users in id order, filtered. `query` matches a substring of the name or
    /// e-mail, ignoring case (Unicode-aware); every character is literal.
    public func listUsers(_ filter: UserFilter, page: PageRequest) async throws -> Page<User> {
        let limit = Pagination.clamp(page.limit)
        let after = try Pagination.start(page, listing: "users")
        return try await perform("listUsers") {
            var conditions: [BSON] = []
            if let role = filter.role {
                conditions.append(["role": .string(role.rawValue)])
            }
            if let disabled = filter.disabled {
                conditions.append(["disabled": .bool(disabled)])
            }
            if let query = filter.query, !query.isEmpty {
                let pattern = BSON.string(MongoText.literalPattern(MongoText.fold(query)))
                conditions.append(["$or": [["nameFold": ["$regex": pattern]], ["emailFold": ["$regex": pattern]]]])
            }
            if let teamID = filter.teamID {
                // Driven by the team's member list, not by a scan of users.
                let team = try await teams.findOne(["key": .string(teamID.rawValue)], projection: ["_id": 0, "memberKeys": 1])
                let members = try team.map(MongoRecords.teamMemberIDs) ?? []
                conditions.append(["key": ["$in": .strings(members)]])
            }
            if let after {
                conditions.append(["key": ["$gt": .string(after)]])
            }
            let found = try await users.find(
                MongoQuery.and(conditions),
                options: MongoFindOptions(sort: ["key": 1], projection: MongoRecords.withoutObjectID, limit: limit + 1))
            return Pagination.page(try found.map(MongoRecords.user), limit: limit, listing: "users") { $0.id.rawValue }
        }
    }

    /// How many users there are.
    public func countUsers() async throws -> Int {
        try await perform("countUsers") { try await users.countDocuments() }
    }
}

/// Query building.
enum MongoQuery {
    /// `{$and: conditions}`, `{}` when there are none.
    static func and(_ conditions: [BSON]) -> BSONDocument {
        switch conditions.count {
        case 0: [:]
        case 1: conditions[0].documentValue ?? ["$and": .array(conditions)]
        default: ["$and": .array(conditions)]
        }
    }
}

extension MongoRecords {
    /// The member user ids of a team document.
    static func teamMemberIDs(_ document: BSONDocument) throws -> [String] {
        try MongoFields(document, collection: MongoSchema.teams).strings("memberKeys")
    }
}
