// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Counts failed logins per account and per client address over a sliding window.
/// A seam: a single node keeps the counts in memory; a cluster keeps them in Redis.
///
/// A login calls ``beginAttempt(account:address:now:)`` first: it checks the limits and
/// counts the attempt as failed in one step, so that guesses sent concurrently cannot all
/// pass the check while the first ones are still being verified. A login that succeeds
/// then calls ``recordSuccess(account:address:attemptedAt:)``.
public protocol LoginThrottle: Sendable {
    /// Seconds until another attempt is allowed, or `nil` if allowed now. Counts nothing.
    func retryAfter(account: String, address: String?, now: Timestamp) async -> Int?
    /// Atomically: the wait if refused; else `nil`, and the attempt is counted as a failure.
    func beginAttempt(account: String, address: String?, now: Timestamp) async -> Int?
    /// Records a failed attempt.
    func recordFailure(account: String, address: String?, now: Timestamp) async
    /// After a successful login begun at `attemptedAt`: clears the account's failures and
    /// takes that attempt back from the address's count.
    func recordSuccess(account: String, address: String?, attemptedAt: Timestamp) async
}

/// The in-process ``LoginThrottle``.
public actor InMemoryLoginThrottle: LoginThrottle {
    private let maxPerAccount: Int
    private let maxPerAddress: Int
    private let windowMilliseconds: Int64
    private var failuresByAccount: [String: [Timestamp]] = [:]
    private var failuresByAddress: [String: [Timestamp]] = [:]

    public init(maxPerAccount: Int, maxPerAddress: Int, windowSeconds: Int) {
        self.maxPerAccount = maxPerAccount
        self.maxPerAddress = maxPerAddress
        self.windowMilliseconds = Int64(windowSeconds) * 1000
    }

    public func retryAfter(account: String, address: String?, now: Timestamp) -> Int? {
        var waits: [Int] = []
        if let wait = Self.wait(&failuresByAccount, account, limit: maxPerAccount, window: windowMilliseconds, now: now) {
            waits.append(wait)
        }
        if let address,
            let wait = Self.wait(&failuresByAddress, address, limit: maxPerAddress, window: windowMilliseconds, now: now)
        {
            waits.append(wait)
        }
        return waits.max()
    }

    public func beginAttempt(account: String, address: String?, now: Timestamp) -> Int? {
        if let wait = retryAfter(account: account, address: address, now: now) { return wait }
        recordFailure(account: account, address: address, now: now)
        return nil
    }

    public func recordFailure(account: String, address: String?, now: Timestamp) {
        failuresByAccount[account, default: []].append(now)
        if let address { failuresByAddress[address, default: []].append(now) }
        // Bound memory under a spray of distinct accounts or addresses: past a size, sweep stale keys.
        if failuresByAccount.count + failuresByAddress.count > Self.sweepThreshold {
            let cutoff = now.adding(milliseconds: -windowMilliseconds)
            failuresByAccount = failuresByAccount.compactMapValues { Self.recent($0, after: cutoff) }
            failuresByAddress = failuresByAddress.compactMapValues { Self.recent($0, after: cutoff) }
        }
    }

    private static let sweepThreshold = 50_000

    private static func recent(_ entries: [Timestamp], after cutoff: Timestamp) -> [Timestamp]? {
        let kept = entries.filter { $0 > cutoff }
        return kept.isEmpty ? nil : kept
    }

    public func recordSuccess(account: String, address: String?, attemptedAt: Timestamp) {
        failuresByAccount[account] = nil
        guard let address, var entries = failuresByAddress[address],
            let index = entries.lastIndex(of: attemptedAt)
        else { return }
        entries.remove(at: index)
        failuresByAddress[address] = entries.isEmpty ? nil : entries
    }

    /// Drops entries older than the window; returns the wait in seconds when at the limit.
    private static func wait(
        _ table: inout [String: [Timestamp]], _ key: String, limit: Int, window: Int64, now: Timestamp
    ) -> Int? {
        guard var entries = table[key] else { return nil }
        let cutoff = now.adding(milliseconds: -window)
        entries.removeAll { $0 <= cutoff }
        table[key] = entries.isEmpty ? nil : entries
        guard entries.count >= limit, let oldest = entries.first else { return nil }
        let waitMs = oldest.millisecondsSince1970 + window - now.millisecondsSince1970
        return max(1, Int((waitMs + 999) / 1000))
    }
}

extension InMemoryLoginThrottle {
    /// The throttle of a single node, with the `auth.*` limits.
    public init(_ auth: TandemConfiguration.Auth) {
        self.init(
            maxPerAccount: auth.maxFailedLoginsPerAccount, maxPerAddress: auth.maxFailedLoginsPerAddress,
            windowSeconds: auth.failedLoginWindowSeconds)
    }
}
