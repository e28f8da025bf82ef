// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Why a relayed call did not get an answer.
public struct RelayError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// Nobody listens on that node's channel, or the relay itself is down.
        case unreachable
        /// No reply within the call timeout; the call may or may not have run.
        case timeout
        /// The reply may have been lost (the relay reported a gap); the call may or may not have run.
        case lost
        /// The run of the node that got the call ended (it stopped or restarted) before answering:
        /// the call may have run there, but nothing more will arrive from that run.
        case ended
    }
    public var kind: Kind
    public var node: String

    public init(_ kind: Kind, node: String) {
        self.kind = kind
        self.node = node
    }

    public var description: String { "relay to node \(node): \(kind.rawValue)" }
}

/// Node-to-node transport of actor calls: request/reply with a correlation id and a timeout.
///
/// Events for subscribers on other nodes do not go through here: they go through the
/// node's ``EventDelivery``, which routes each address to its node.
public protocol ActorRelay: Sendable {
    /// Runs `call` on `node` and returns what it answered.
    func call(_ call: ActorCall, on node: String) async throws(RelayError) -> ActorCallResult
    /// Sends `call` to `node` without waiting for, or getting, an answer (heartbeats, queue feeds).
    func send(_ call: ActorCall, to node: String)
    /// Serves calls from other nodes with `handler` until the task is cancelled.
    func serve(_ handler: @escaping @Sendable (ActorCall) async -> ActorCallResult) async
    /// The nodes still running (from the dead-node sweep): a node not among them answers
    /// nothing more, so calls waiting for it fail now (``RelayError/Kind/ended``) instead of
    /// at their timeout, and subscriptions it served resync.
    func nodesRunning(_ running: Set<String>)
}
