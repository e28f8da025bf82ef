// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

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

/// ``IdentityEvents`` through the registry: to the user's session actor on every node of
/// the cluster (on this node alone when it runs alone).
struct LocalIdentityEvents: IdentityEvents {
    let registry: ActorRegistry
    /// This node's recently checked upgrade credentials (other nodes' expire within their lifetime).
    let identities: IdentityCache

    func sessionsRevoked(user: UserID, sessions: Set<SessionID>?) async {
        identities.forget(user: user)
        await registry.publish(.sessionsRevoked(user: user, sessions: sessions))
    }

    func permissionsChanged(user: UserID) async {
        identities.forget(user: user)
        await registry.publish(.permissionsChanged(user: user))
    }
}
