//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import TandemActors
import TandemCore

/// Tells live connections that an account changed, so that revocations and
/// permission changes take effect on open subscriptions at once.
public protocol IdentityEvents: Sendable {
    /// Sessions ended (logout, password change, user disabled); `nil` means all of the user's.
    func sessionsRevoked(user: UserID, sessions: Set<SessionID>?) async
    /// The user's role or team memberships changed.
    func permissionsChanged(user: UserID) async
}

/// ``IdentityEvents`` for one node: goes to the user's session actor.
struct LocalIdentityEvents: IdentityEvents {
    let registry: ActorRegistry

    func sessionsRevoked(user: UserID, sessions: Set<SessionID>?) async {
        await registry.activeSession(user)?.revoke(sessions: sessions, reason: "session revoked")
    }

    func permissionsChanged(user: UserID) async {
        await registry.activeSession(user)?.permissionsChanged()
    }
}
