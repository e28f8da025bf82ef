// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMail
import TandemServer
import TandemStore

/// When a failed attempt is tried again: exponential backoff (`base`, `2 × base`, `4 × base`, …
/// up to `maximum`), at most `maxAttempts` attempts; a refusal for good (5xx, an unsendable
/// message) fails at once. No jitter: entries fail at their own times already, and a test can
/// predict the schedule.
public struct MailRetryPolicy: Sendable, Hashable {
    public var maxAttempts: Int
    public var baseSeconds: Int64
    public var maximumSeconds: Int64

    public init(maxAttempts: Int, baseSeconds: Int64, maximumSeconds: Int64) {
        self.maxAttempts = max(1, maxAttempts)
        self.baseSeconds = max(1, baseSeconds)
        self.maximumSeconds = max(self.baseSeconds, maximumSeconds)
    }

    public init(_ settings: TandemConfiguration.Mail) {
        self.init(
            maxAttempts: settings.maxAttempts, baseSeconds: Int64(settings.retryBaseSeconds),
            maximumSeconds: Int64(settings.retryMaxSeconds))
    }

    /// The wait after failed attempt number `attempt` (1-based).
    public func delaySeconds(after attempt: Int) -> Int64 {
        let doublings = min(max(attempt - 1, 0), 30)
        return min(maximumSeconds, baseSeconds << Int64(doublings))
    }

    /// What to record after attempt number `attempt` failed with `error` at `now`.
    public func outcome(after error: MailError, attempt: Int, now: Timestamp) -> OutboxOutcome {
        let text = String(describing: error)
        if error.isPermanent { return .failed(error: text) }
        guard attempt < maxAttempts else { return .failed(error: "gave up after \(attempt) attempts: \(text)") }
        return .retry(at: now.adding(seconds: delaySeconds(after: attempt)), error: text)
    }
}
