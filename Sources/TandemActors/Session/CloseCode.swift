// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// WebSocket close codes Tandem uses beyond the standard ones.
public enum CloseCode {
    /// Authentication failed or the session was revoked.
    public static let sessionRevoked: UInt16 = 4001
    /// Authentication did not arrive in time.
    public static let authenticationTimeout: UInt16 = 4002
    /// The client kept breaking the rate limit.
    public static let rateLimited: UInt16 = 4029
    /// The client kept sending invalid frames.
    public static let abusive: UInt16 = 4008
    /// The user already has `live.maxConnectionsPerUser` connections on the node.
    public static let tooManyConnections: UInt16 = 4009
    /// The client read too slowly even for control frames (the standard policy-violation code).
    public static let slowConsumer: UInt16 = 1008
    /// The server is shutting down; reconnect elsewhere or later.
    public static let goingAway: UInt16 = 1001
}
