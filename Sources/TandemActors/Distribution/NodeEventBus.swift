// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Something every node must act on: a user's connections may be on any of them.
public enum NodeEvent: Codable, Sendable, Hashable {
    /// Sessions ended (logout, password change, user disabled); `nil` means all of the user's.
    case sessionsRevoked(user: UserID, sessions: Set<SessionID>?)
    /// The user's role or team memberships changed: their connections re-check their subscriptions.
    case permissionsChanged(user: UserID)
    /// A new notification for the user's notification subscribers.
    case notification(UserNotification, unread: Int)
    /// Never published: the bus tells its own node that its link was interrupted, so events
    /// may have been missed meanwhile (pub/sub is at-most-once). Every connection of the node
    /// re-checks its account and session against the store, which a missed revocation or
    /// permission change has already reached.
    case eventsMissed
}

/// Publishes ``NodeEvent``s to every node of the cluster, this one included.
public protocol NodeEventBus: Sendable {
    /// Publishes `event`; every node's handler (this node's too) receives it.
    /// - Throws: ``RelayError`` when the event could not be published.
    func publish(_ event: NodeEvent) async throws(RelayError)
    /// Hands every published event to `handler` until the task is cancelled.
    func serve(_ handler: @escaping @Sendable (NodeEvent) async -> Void) async
}
