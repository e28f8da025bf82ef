// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Why placement could not answer.
public struct PlacementError: Error, Sendable, Hashable, CustomStringConvertible {
    public var message: String
    /// The lease is free but may not be taken yet: the placement is recovering from a loss of
    /// its state, and the actor's owner may still be serving it. Ask again shortly.
    public var isSettling = false

    public init(_ message: String) { self.message = message }

    /// See ``isSettling``.
    public static var settling: PlacementError {
        var error = PlacementError("leases are settling after Redis lost its data")
        error.isSettling = true
        return error
    }

    public var description: String { "placement unavailable: \(message)" }
}

/// Which node an actor is active on: a lease per ``ActorKey``.
///
/// The owner of a key is the only node that activates its actor. It holds a lease that
/// it renews; when a renewal fails (or cannot be made before the lease runs out) the key
/// appears in ``lost`` and the registry passivates the actor at once. A lease is
/// advisory — a paused owner may still believe it holds one — so ticket commits are
/// also fenced by the store's unique (ticket, version) key.
public protocol Placement: Sendable {
    /// This node's id.
    var node: String { get }
    /// Takes the lease on `key` when nobody holds it (or this node already does) and
    /// returns the node that owns it afterwards.
    func claim(_ key: ActorKey) async throws(PlacementError) -> String
    /// The node that holds the lease on `key`, or `nil` when it is free. Takes nothing.
    func owner(of key: ActorKey) async throws(PlacementError) -> String?
    /// Whether this node holds `key` and its lease has not run out by this node's clock.
    /// Answers from memory: the check made before every local call.
    func holds(_ key: ActorKey) -> Bool
    /// Gives up the lease on `key` (only if this node still holds it).
    func release(_ key: ActorKey) async
    /// Keys whose lease this node lost; each is reported once.
    var lost: AsyncStream<ActorKey> { get }
    /// The nodes that are running now (they renewed their presence within the lease time).
    func liveNodes() async throws(PlacementError) -> Set<String>
}
