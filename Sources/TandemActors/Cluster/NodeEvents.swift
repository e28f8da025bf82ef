//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

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

/// Shares a user's operation budget between the nodes their connections are on.
public protocol SharedRateBudget: Sendable {
    /// Takes one token from `user`'s bucket. `nil` when the shared bucket cannot be
    /// reached: the caller falls back to its own, node-local bucket.
    func take(user: UserID, settings: RateSettings, now: Timestamp) async -> Bool?
}

/// How an ``ActorRegistry`` reaches the rest of its cluster.
///
/// ``standalone(node:)`` — one node, every actor local, nothing shared — is the embedded
/// default. `TandemCluster` builds the Redis-backed seams.
public struct ClusterSeams: Sendable {
    public var placement: any Placement
    public var relay: any ActorRelay
    /// `nil`: node events are applied on this node only.
    public var events: (any NodeEventBus)?
    /// `nil`: each node keeps its own rate buckets.
    public var rateBudget: (any SharedRateBudget)?
    /// How long a request waits for an actor whose owner is gone before it gives up.
    public var takeoverWait: Duration

    public init(
        placement: any Placement, relay: any ActorRelay, events: (any NodeEventBus)?,
        rateBudget: (any SharedRateBudget)?, takeoverWait: Duration
    ) {
        self.placement = placement
        self.relay = relay
        self.events = events
        self.rateBudget = rateBudget
        self.takeoverWait = takeoverWait
    }

    /// A single node: every actor is local.
    public static func standalone(node: String) -> ClusterSeams {
        ClusterSeams(
            placement: SingleNodePlacement(node: node), relay: SingleNodeRelay(), events: nil, rateBudget: nil,
            takeoverWait: .zero)
    }

    /// Whether other nodes may exist.
    public var isClustered: Bool { !(placement is SingleNodePlacement) }
}
