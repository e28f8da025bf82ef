// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

extension SQLiteStore {
    /// Inserts a session.
    /// - Throws: ``StoreError/notFound(kind:id:)`` with kind `user` when its user
    ///   does not exist; ``StoreError/duplicate(kind:field:)`` when the id is taken.
    public func createSession(_ session: Session) async throws {
        try await write("createSession") { db in
            do {
                try db.execute(
                    sql: "INSERT INTO sessions (\(SQLiteRows.sessionColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        session.id.rawValue, session.userID.rawValue, session.refreshTokenHash, session.csrfToken,
                        session.createdAt.millisecondsSince1970, session.expiresAt.millisecondsSince1970,
                        session.revokedAt?.millisecondsSince1970, session.userAgent, session.ipAddress,
                    ]
                )
            } catch  where SQLiteErrors.isForeignKeyViolation(error) {
                throw StoreError.notFound(kind: "user", id: session.userID.rawValue)
            }
        }
    }

    /// The session with that id, revoked or not.
    public func session(id: SessionID) async throws -> Session? {
        try await read("sessionByID") { db in
            try Row.fetchOne(
                db, sql: "SELECT \(SQLiteRows.sessionColumns) FROM sessions WHERE id = ?", arguments: [id.rawValue]
            ).map(SQLiteRows.session)
        }
    }

    /// Replaces the refresh token hash and the expiry.
    /// - Throws: ``StoreError/notFound(kind:id:)`` when absent.
    public func rotateRefreshToken(sessionID: SessionID, newHash: String, expiresAt: Timestamp) async throws {
        try await write("rotateRefreshToken") { db in
            try db.execute(
                sql: "UPDATE sessions SET refresh_token_hash = ?, expires_at = ? WHERE id = ?",
                arguments: [newHash, expiresAt.millisecondsSince1970, sessionID.rawValue]
            )
            guard db.changesCount > 0 else { throw StoreError.notFound(kind: "session", id: sessionID.rawValue) }
        }
    }

    /// Sets `revokedAt` unless already set; a no-op for a revoked or unknown session.
    public func revokeSession(id: SessionID, at: Timestamp) async throws {
        try await write("revokeSession") { db in
            try db.execute(
                sql: "UPDATE sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                arguments: [at.millisecondsSince1970, id.rawValue]
            )
        }
    }

    /// Revokes every unrevoked session of the user (expired ones too, so that
    /// none can be revived) except `keeping`. Returns the ids revoked, in id order.
    @discardableResult
    public func revokeSessions(of userID: UserID, except keeping: SessionID?, at: Timestamp) async throws -> [SessionID] {
        let ids = try await write("revokeSessions") { db in
            try String.fetchAll(
                db,
                sql: """
                    UPDATE sessions SET revoked_at = ?
                    WHERE user_id = ? AND revoked_at IS NULL AND id IS NOT ?
                    RETURNING id
                    """,
                arguments: [at.millisecondsSince1970, userID.rawValue, keeping?.rawValue]
            )
        }
        return ids.sorted().map(SessionID.init)
    }
}
