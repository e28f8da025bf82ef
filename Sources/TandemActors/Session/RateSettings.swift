// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The verdict on one more operation from a user.
public enum RateVerdict: Sendable, Equatable {
    case allowed
    /// Over budget: refuse this operation.
    case limited
    /// Far over budget for a while: close the connection.
    case abusive
}

/// Rate limits for one user's operations.
public struct RateSettings: Sendable, Hashable {
    public var opsPerSecond: Double = 50
    public var burst: Double = 200
    /// Refusals in one run after which the client counts as abusive.
    public var abusiveAfter: Int = 500
    /// A run of refusals ends when this long passes without one.
    public var refusalQuietMilliseconds: Int64 = 1_000

    public init() {}
}
