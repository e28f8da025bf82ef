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

    public init() {}
}
