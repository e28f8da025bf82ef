// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Shares a user's operation budget between the nodes their connections are on.
public protocol SharedRateBudget: Sendable {
    /// Takes one token from `user`'s bucket. `nil` when the shared bucket cannot be
    /// reached: the caller falls back to its own, node-local bucket.
    func take(user: UserID, settings: RateSettings, now: Timestamp) async -> Bool?
}
