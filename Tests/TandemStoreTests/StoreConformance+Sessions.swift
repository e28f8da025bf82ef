// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

extension StoreConformance {
    static func sessionLifecycle(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        try await store.createUser(ada)
        var session = fixtures.session(for: ada.id)
        try await store.createSession(session)
        #expect(try await store.session(id: session.id) == session)
        #expect(try await store.session(id: SessionID("ses_missing")) == nil)

        var bare = fixtures.session(for: ada.id)
        bare.userAgent = nil
        bare.ipAddress = nil
        try await store.createSession(bare)
        #expect(try await store.session(id: bare.id) == bare)

        await #expect(throws: StoreError.duplicate(kind: "session", field: "id")) {
            try await store.createSession(session)
        }
        let orphan = fixtures.session(for: UserID("usr_ghost"))
        await #expect(throws: StoreError.notFound(kind: "user", id: "usr_ghost")) {
            try await store.createSession(orphan)
        }
        #expect(try await store.session(id: orphan.id) == nil)

        // Rotation replaces the hash and the expiry, nothing else.
        let newExpiry = session.expiresAt.adding(seconds: 3600)
        try await store.rotateRefreshToken(sessionID: session.id, newHash: "rotated", expiresAt: newExpiry)
        session.refreshTokenHash = "rotated"
        session.expiresAt = newExpiry
        #expect(try await store.session(id: session.id) == session)

        // Revocation happens once; later calls keep the first time.
        let revokedAt = fixtures.now.adding(seconds: 10)
        try await store.revokeSession(id: session.id, at: revokedAt)
        session.revokedAt = revokedAt
        #expect(try await store.session(id: session.id) == session)
        try await store.revokeSession(id: session.id, at: revokedAt.adding(seconds: 99))
        #expect(try await store.session(id: session.id)?.revokedAt == revokedAt)
        #expect(try await store.session(id: session.id)?.isActive(at: revokedAt) == false)
        // Revoking an unknown session is a no-op.
        try await store.revokeSession(id: SessionID("ses_missing"), at: revokedAt)
        #expect(try await store.session(id: bare.id)?.revokedAt == nil)
    }

    static func revokeAllExcept(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let bob = fixtures.user()
        try await store.createUser(ada)
        try await store.createUser(bob)
        let current = fixtures.session(for: ada.id)
        let laptop = fixtures.session(for: ada.id)
        let phone = fixtures.session(for: ada.id)
        let expired = fixtures.session(for: ada.id, expiresIn: -60)
        let alreadyRevoked = fixtures.session(for: ada.id)
        let bobs = fixtures.session(for: bob.id)
        for session in [current, laptop, phone, expired, alreadyRevoked, bobs] {
            try await store.createSession(session)
        }
        let earlier = fixtures.now
        try await store.revokeSession(id: alreadyRevoked.id, at: earlier)

        let at = fixtures.now.adding(seconds: 30)
        let revoked = try await store.revokeSessions(of: ada.id, except: current.id, at: at)
        // Expired but unrevoked sessions are revoked too, so none can be revived.
        #expect(revoked == [laptop.id, phone.id, expired.id].sorted())
        #expect(try await store.session(id: current.id)?.revokedAt == nil)
        for id in [laptop.id, phone.id, expired.id] {
            #expect(try await store.session(id: id)?.revokedAt == at)
        }
        #expect(try await store.session(id: alreadyRevoked.id)?.revokedAt == earlier)
        #expect(try await store.session(id: bobs.id)?.revokedAt == nil, "other users are untouched")

        #expect(try await store.revokeSessions(of: ada.id, except: current.id, at: at) == [])
        #expect(try await store.revokeSessions(of: ada.id, except: nil, at: at) == [current.id])
        #expect(try await store.session(id: current.id)?.revokedAt == at)
        #expect(try await store.revokeSessions(of: UserID("usr_missing"), except: nil, at: at) == [])
        #expect(try await store.session(id: bobs.id)?.revokedAt == nil)
    }
}
