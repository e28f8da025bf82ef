// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// Reads domain values out of rows. A value that does not decode is reported
/// as ``StoreError/corrupt(_:)``, naming the table, column and row.
enum SQLiteRows {
    static let userColumns = "id, email, name, role, password_hash, disabled, created_at, updated_at"
    static let teamColumns = "id, name, created_at, updated_at"
    static let sessionColumns =
        "id, user_id, refresh_token_hash, csrf_token, created_at, expires_at, revoked_at, user_agent, ip_address"

    static func user(_ row: Row) throws -> User {
        let id: String = try column(row, "id", table: "users")
        return User(
            id: UserID(id),
            email: try column(row, "email", table: "users", id: id),
            name: try column(row, "name", table: "users", id: id),
            role: try enumeration(row, "role", table: "users", id: id),
            passwordHash: try column(row, "password_hash", table: "users", id: id),
            disabled: try column(row, "disabled", table: "users", id: id),
            createdAt: try timestamp(row, "created_at", table: "users", id: id),
            updatedAt: try timestamp(row, "updated_at", table: "users", id: id)
        )
    }

    /// A team without its members.
    static func team(_ row: Row) throws -> Team {
        let id: String = try column(row, "id", table: "teams")
        return Team(
            id: TeamID(id),
            name: try column(row, "name", table: "teams", id: id),
            members: [],
            createdAt: try timestamp(row, "created_at", table: "teams", id: id),
            updatedAt: try timestamp(row, "updated_at", table: "teams", id: id)
        )
    }

    /// A row of `team_id, user_id, role`.
    static func member(_ row: Row) throws -> (teamID: TeamID, member: TeamMember) {
        let teamID: String = try column(row, "team_id", table: "team_members")
        let userID: String = try column(row, "user_id", table: "team_members", id: teamID)
        let role: TeamRole = try enumeration(row, "role", table: "team_members", id: "\(teamID)/\(userID)")
        return (TeamID(teamID), TeamMember(userID: UserID(userID), role: role))
    }

    static func session(_ row: Row) throws -> Session {
        let id: String = try column(row, "id", table: "sessions")
        let revokedAt: Int64? = try column(row, "revoked_at", table: "sessions", id: id)
        return Session(
            id: SessionID(id),
            userID: UserID(try column(row, "user_id", table: "sessions", id: id)),
            refreshTokenHash: try column(row, "refresh_token_hash", table: "sessions", id: id),
            csrfToken: try column(row, "csrf_token", table: "sessions", id: id),
            createdAt: try timestamp(row, "created_at", table: "sessions", id: id),
            expiresAt: try timestamp(row, "expires_at", table: "sessions", id: id),
            revokedAt: revokedAt.map(Timestamp.init(millisecondsSince1970:)),
            userAgent: try column(row, "user_agent", table: "sessions", id: id),
            ipAddress: try column(row, "ip_address", table: "sessions", id: id)
        )
    }

    // MARK: - Columns

    static func column<Value: DatabaseValueConvertible>(
        _ row: Row, _ name: String, table: String, id: String? = nil
    ) throws -> Value {
        do {
            return try row.decode(Value.self, forColumn: name)
        } catch {
            throw StoreError.corrupt("\(table).\(name) of \(id ?? "a row") is not a \(Value.self)")
        }
    }

    static func timestamp(_ row: Row, _ name: String, table: String, id: String) throws -> Timestamp {
        Timestamp(millisecondsSince1970: try column(row, name, table: table, id: id))
    }

    static func enumeration<Value: RawRepresentable>(
        _ row: Row, _ name: String, table: String, id: String
    ) throws -> Value where Value.RawValue == String {
        let raw: String = try column(row, name, table: table, id: id)
        guard let value = Value(rawValue: raw) else {
            throw StoreError.corrupt("\(table).\(name) of \(id) holds unknown \(Value.self) '\(raw)'")
        }
        return value
    }
}
