// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    /// Inserts a user.
    /// - Throws: ``StoreError/duplicate(kind:field:)`` with field `email` (compared
    ///   case-insensitively) or `id` when taken.
    public func createUser(_ user: User) async throws {
        try await write("createUser") { db in
            try db.execute(
                sql: "INSERT INTO users (\(SQLiteRows.userColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                arguments: [
                    user.id.rawValue, user.email, user.name, user.role.rawValue, user.passwordHash,
                    user.disabled, user.createdAt.millisecondsSince1970, user.updatedAt.millisecondsSince1970,
                ]
            )
        }
    }

    /// The user with that id, if any.
    public func user(id: UserID) async throws -> User? {
        try await read("userByID") { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.userColumns) FROM users WHERE id = ?", arguments: [id.rawValue])
                .map(SQLiteRows.user)
        }
    }

    /// The user with that e-mail, compared case-insensitively (ASCII).
    public func user(email: String) async throws -> User? {
        try await read("userByEmail") { db in
            try Row.fetchOne(db, sql: "SELECT \(SQLiteRows.userColumns) FROM users WHERE email = ?", arguments: [email])
                .map(SQLiteRows.user)
        }
    }

    /// Replaces every field of the user with that id.
    /// - Throws: ``StoreError/notFound(kind:id:)`` when absent,
    ///   ``StoreError/duplicate(kind:field:)`` when the new e-mail is taken.
    public func updateUser(_ user: User) async throws {
        try await write("updateUser") { db in
            try db.execute(
                sql: """
                    UPDATE users
                    SET email = ?, name = ?, role = ?, password_hash = ?, disabled = ?, created_at = ?, updated_at = ?
                    WHERE id = ?
                    """,
                arguments: [
                    user.email, user.name, user.role.rawValue, user.passwordHash, user.disabled,
                    user.createdAt.millisecondsSince1970, user.updatedAt.millisecondsSince1970, user.id.rawValue,
                ]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound(kind: "user", id: user.id.rawValue) }
        }
    }

    /// Replaces the user while the stored row still equals `previous`.
    /// - Throws: ``StoreError/versionConflict(kind:id:version:)`` when it changed meanwhile,
    ///   ``StoreError/notFound(kind:id:)`` when absent, ``StoreError/duplicate(kind:field:)``.
    public func updateUser(_ user: User, expecting previous: User) async throws {
        try await write("updateUserFenced") { db in
            try db.execute(
                sql: """
                    UPDATE users
                    SET email = ?, name = ?, role = ?, password_hash = ?, disabled = ?, updated_at = ?
                    WHERE id = ? AND email = ? AND name = ? AND role = ? AND password_hash = ? AND disabled = ?
                        AND updated_at = ?
                    """,
                arguments: [
                    user.email, user.name, user.role.rawValue, user.passwordHash, user.disabled,
                    user.updatedAt.millisecondsSince1970, previous.id.rawValue, previous.email, previous.name,
                    previous.role.rawValue, previous.passwordHash, previous.disabled,
                    previous.updatedAt.millisecondsSince1970,
                ]
            )
            guard db.changesCount == 0 else { return }
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM users WHERE id = ?", arguments: [user.id.rawValue]) != nil else {
                throw StoreError.notFound(kind: "user", id: user.id.rawValue)
            }
            throw StoreError.versionConflict(
                kind: "user", id: user.id.rawValue, version: previous.updatedAt.millisecondsSince1970)
        }
    }

    /// Users in id order, filtered. `query` matches a substring of the name or
    /// e-mail, ignoring case (Unicode-aware) and treating `%` and `_` literally.
    public func listUsers(_ filter: UserFilter, page: PageRequest) async throws -> Page<User> {
        let limit = Pagination.clamp(page.limit)
        let after = try Pagination.start(page, listing: "users")
        var conditions: [String] = []
        var arguments: [DatabaseValue] = []
        if let role = filter.role {
            conditions.append("u.role = ?")
            arguments.append(role.rawValue.databaseValue)
        }
        if let disabled = filter.disabled {
            conditions.append("u.disabled = ?")
            arguments.append(disabled.databaseValue)
        }
        if let query = filter.query, !query.isEmpty {
            conditions.append(
                "(tandem_fold(u.name) LIKE ? ESCAPE '\\' OR tandem_fold(u.email) LIKE ? ESCAPE '\\')"
            )
            let pattern = SQLiteFunctions.containsPattern(SQLiteFunctions.fold(query)).databaseValue
            arguments.append(contentsOf: [pattern, pattern])
        }
        if let teamID = filter.teamID {
            // Driven by the team's members (primary key), not by a scan of users.
            conditions.append("u.id IN (SELECT m.user_id FROM team_members AS m WHERE m.team_id = ?)")
            arguments.append(teamID.rawValue.databaseValue)
        }
        if let after {
            conditions.append("u.id > ?")
            arguments.append(after.databaseValue)
        }
        arguments.append((limit + 1).databaseValue)
        let whereClause = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
        let sql = "SELECT \(SQLiteRows.userColumns) FROM users AS u \(whereClause) ORDER BY u.id LIMIT ?"
        let values = arguments
        let users = try await read("listUsers") { db in
            try Row.fetchAll(db, sql: sql, arguments: StatementArguments(values)).map(SQLiteRows.user)
        }
        return Pagination.page(users, limit: limit, listing: "users") { $0.id.rawValue }
    }

    /// How many users there are.
    public func countUsers() async throws -> Int {
        try await read("countUsers") { db in
            try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM users") ?? 0
        }
    }
}
