// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Limits of one connection's outbound queue (``OutboundQueue``) and of all of a node's together.
public struct OutboundLimits: Sendable {
    /// Queued frames or bytes past which topic traffic is dropped and the topic resynced.
    public var softFrames = 4_096
    public var softBytes = 8 << 20
    /// Past these, even control frames (replies, snapshots) do not fit: the connection is closed.
    public var hardFrames = 8_192
    public var hardBytes = 16 << 20
    /// What every connection's queue together may hold (`live.outboundBudgetBytes`). Past it,
    /// a connection whose queue holds ``budgetFloorBytes`` or more is closed when one more
    /// frame comes for it: the slowest readers go first, the ones that keep up are untouched.
    public var nodeBytes = 512 << 20
    public var budgetFloorBytes = 256 << 10

    public init() {}
}
