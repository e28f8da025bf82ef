// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// Exponential backoff with jitter between connection attempts.
///
/// The n-th delay after a failure is `initial * multiplier^(n-1)`, capped at
/// `maximum`, then spread by ±`jitter` so that many nodes do not reconnect in
/// step after Redis restarts.
public struct RedisBackoff: Sendable, Hashable {
    public var initial: Duration
    public var maximum: Duration
    public var multiplier: Double
    /// The fraction (0…1) by which a delay is randomly lengthened or shortened.
    public var jitter: Double

    public init(
        initial: Duration = .milliseconds(50), maximum: Duration = .seconds(2), multiplier: Double = 2,
        jitter: Double = 0.2
    ) {
        self.initial = initial
        self.maximum = maximum
        self.multiplier = max(1, multiplier)
        self.jitter = min(1, max(0, jitter))
    }

    /// The delay before attempt `failures + 1`, after `failures` (≥ 1) failed attempts in a row.
    public func delay(afterFailures failures: Int) -> Duration {
        let exponent = Double(max(0, failures - 1))
        let base = min(
            Double(maximum.milliseconds()),
            Double(initial.milliseconds(atLeast: 1)) * pow(multiplier, min(exponent, 64)))
        let spread = base * jitter * Double.random(in: -1...1)
        return .milliseconds(Int(max(1, base + spread)))
    }
}
