// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

extension MongoStore {
    /// Inserts a session.
    /// - Throws: ``StoreError/notFound(kind:id:)`` with kind `user` when its user
    ///   does not exist; ``StoreError/duplicate(kind:field:)`` when the id is taken.
    public func createSession(_ session: Session) async throws {
        try await perform("createSession") {
            guard try await users.countDocuments(["key": .string(session.userID.rawValue)]) > 0 else {
                throw StoreError.notFound(kind: "user", id: session.userID.rawValue)
            }
            do {
                try await sessions.insertOne(MongoRecords.document(session))
            } catch  where isDuplicateKey(error) {
                throw StoreError.duplicate(kind: "session", field: "id")
            }
        }
    }

    /// The session with that id, revoked or not.
    public func session(id: SessionID) async throws -> Session? {
        try await perform("sessionByID") {
            try await sessions.findOne(["key": .string(id.rawValue)], projection: MongoRecords.withoutObjectID)
                .map(MongoRecords.session)
        }
    }

    /// Replaces the refresh token hash and the expiry.
    /// - Throws: ``StoreError/notFound(kind:id:)`` when absent.
    public func rotateRefreshToken(sessionID: SessionID, newHash: String, expiresAt: Timestamp) async throws {
        try await perform("rotateRefreshToken") {
            let result = try await sessions.updateOne(
                ["key": .string(sessionID.rawValue)],
                ["$set": ["refreshTokenHash": .string(newHash), "expiresAt": .int64(expiresAt.millisecondsSince1970)]])
            guard result.matched > 0 else { throw StoreError.notFound(kind: "session", id: sessionID.rawValue) }
        }
    }

    /// Sets `revokedAt` unless already set; a no-op for a revoked or unknown session.
    public func revokeSession(id: SessionID, at: Timestamp) async throws {
        try await perform("revokeSession") {
            try await sessions.updateOne(
                ["key": .string(id.rawValue), "revoked": false],
                ["$set": ["revoked": true, "revokedAt": .int64(at.millisecondsSince1970)]])
        }
    }

    /// Revokes every unrevoked session of the user (expired ones too) except
    /// `keeping`. Returns the ids revoked, in id order.
    @discardableResult
    public func revokeSessions(of userID: UserID, except keeping: SessionID?, at: Timestamp) async throws -> [SessionID] {
        try await perform("revokeSessions") {
            var filter: BSONDocument = ["user": .string(userID.rawValue), "revoked": false]
            if let keeping { filter["key"] = ["$ne": .string(keeping.rawValue)] }
            let found = try await sessions.find(
                filter, options: MongoFindOptions(sort: ["key": 1], projection: ["_id": 0, "key": 1]))
            let ids = found.compactMap { $0["key"]?.stringValue }
            guard !ids.isEmpty else { return [] }
            try await sessions.updateMany(
                ["key": ["$in": .strings(ids)], "revoked": false],
                ["$set": ["revoked": true, "revokedAt": .int64(at.millisecondsSince1970)]])
            return ids.map(SessionID.init)
        }
    }
}
