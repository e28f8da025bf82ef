// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The relay of a single node: there is no other node to reach.
public struct SingleNodeRelay: ActorRelay {
    public init() {}

    public func call(_ call: ActorCall, on node: String) throws(RelayError) -> ActorCallResult {
        throw RelayError(.unreachable, node: node)
    }

    public func send(_ call: ActorCall, to node: String) {}

    /// Returns at once: no other node sends calls.
    public func serve(_ handler: @escaping @Sendable (ActorCall) async -> ActorCallResult) async {}

    public func nodesRunning(_ running: Set<String>) {}
}
