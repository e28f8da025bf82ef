// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

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
