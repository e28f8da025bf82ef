// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// A token bucket: `rate` tokens per second, holding at most `burst`.
public struct TokenBucket: Sendable, Hashable {
    public let rate: Double
    public let burst: Double
    private var tokens: Double
    private var updated: Timestamp

    public init(rate: Double, burst: Double, now: Timestamp) {
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.updated = now
    }

    /// Takes one token if there is one.
    public mutating func take(now: Timestamp) -> Bool {
        let elapsed = Double(max(0, now.millisecondsSince1970 - updated.millisecondsSince1970)) / 1000
        tokens = min(burst, tokens + elapsed * rate)
        updated = now
        guard tokens >= 1 else { return false }
        tokens -= 1
        return true
    }
}
