// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Limits of one connection's outbound queue (``OutboundQueue``).
public struct OutboundLimits: Sendable {
    /// Queued frames or bytes past which topic traffic is dropped and the topic resynced.
    public var softFrames = 4_096
    public var softBytes = 8 << 20
    /// Past these, even control frames do not fit: the connection is closed.
    public var hardFrames = 8_192
    public var hardBytes = 16 << 20

    public init() {}
}
