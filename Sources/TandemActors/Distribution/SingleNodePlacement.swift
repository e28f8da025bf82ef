// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The placement of a single node: it owns every actor, with no lease to keep.
public struct SingleNodePlacement: Placement {
    public let node: String
    public let lost: AsyncStream<ActorKey>

    public init(node: String) {
        self.node = node
        // Never yields: a single node cannot lose an actor to another.
        self.lost = AsyncStream { _ in }
    }

    public func claim(_ key: ActorKey) -> String { node }
    public func owner(of key: ActorKey) -> String? { node }
    public func holds(_ key: ActorKey) -> Bool { true }
    public func release(_ key: ActorKey) {}
    public func liveNodes() -> Set<String> { [node] }
}
