// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Limits and timings of the WebSocket protocol.
public struct LiveSettings: Sendable {
    /// Largest WebSocket frame and message accepted, in bytes (larger: close 1009).
    public var maxMessageBytes = 256 * 1024
    /// Most subscriptions one connection may hold.
    public var maxSubscriptions = 100
    /// Time allowed to authenticate after connecting without credentials.
    public var authenticationTimeout: Duration = .seconds(10)
    /// The heartbeat interval announced to clients; the server pings at this period too.
    public var heartbeatSeconds = 15
    /// Invalid frames within `invalidWindow` after which the connection is closed (4008).
    public var maxInvalidFrames = 50
    public var invalidWindow: Duration = .seconds(10)
    public var outbound = OutboundLimits()
    /// Client messages a connection may have waiting to be handled; at this many the socket
    /// is not read until half of them are handled.
    public var inboundBacklog = 32
    /// How long a close the server begins may take (queued frames, close frame, the client's
    /// answer) before the TCP connection is closed whatever is left.
    public var closeTimeout: Duration = .seconds(3)
    /// Authenticated connections one user may hold on a node (`live.maxConnectionsPerUser`; 0: no cap).
    public var maxConnectionsPerUser = 64

    public init() {}
}
