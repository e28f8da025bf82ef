// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

public enum OutboxTag {}
/// An outbox entry: `mail_…`, time-ordered.
public typealias OutboxID = Identifier<OutboxTag>

/// Where an outbox entry is in its life.
public enum OutboxState: String, Codable, Sendable, CaseIterable {
    /// Waiting for its next attempt (at ``OutboxEntry/dueAt``).
    case pending
    /// Claimed by a sender until ``OutboxEntry/dueAt``; if it is still `sending` then, the
    /// sender is presumed dead and the entry is claimed again.
    case sending
    /// The SMTP server took it.
    case sent
    /// Given up: refused for good, or out of attempts. Kept for an admin to look at.
    case failed
}

/// One e-mail waiting to go out, or gone out, with its delivery history.
public struct OutboxEntry: Codable, Sendable, Hashable {
    public var id: OutboxID
    /// What made it (`signup.confirm`, `ticket.reply`, …), for logs and admins.
    public var kind: String
    public var message: MailMessage
    public var state: OutboxState
    /// Attempts started so far (a claim counts one).
    public var attempts: Int
    /// `pending`: when the next attempt may start; `sending`: when the claim lapses.
    public var dueAt: Timestamp
    public var createdAt: Timestamp
    public var sentAt: Timestamp?
    public var lastError: String?

    /// A new entry, due at once.
    public init(id: OutboxID, kind: String, message: MailMessage, createdAt: Timestamp) {
        self.id = id
        self.kind = kind
        self.message = message
        self.state = .pending
        self.attempts = 0
        self.dueAt = createdAt
        self.createdAt = createdAt
    }
}

/// What one attempt came to.
public enum OutboxOutcome: Sendable, Hashable {
    /// The server took the message.
    case sent
    /// Try again at the given time.
    case retry(at: Timestamp, error: String)
    /// Give up.
    case failed(error: String)
}

/// The durable outbox: e-mail is written here first (in the request that causes it) and a
/// background sender delivers it, so a message survives a restart and a mail server outage.
///
/// Claims make it safe for several nodes to send from one outbox: an entry is claimed by one
/// sender at a time (``claimDueMail(now:leaseUntil:limit:)``), and an outcome is recorded only by
/// the claim that made the attempt (``recordMailOutcome(_:attempt:outcome:at:)``).
public protocol OutboxStore: Sendable {
    /// Adds an entry.
    /// - Throws: ``StoreError/duplicate(kind:field:)`` with kind `mail`, field `id`.
    func enqueueMail(_ entry: OutboxEntry) async throws
    func mail(id: OutboxID) async throws -> OutboxEntry?
    /// Claims up to `limit` entries whose time has come — `pending` ones due by `now`, and
    /// `sending` ones whose claim lapsed by `now` — oldest due first: each becomes `sending`
    /// until `leaseUntil` with one more attempt. Returns them as claimed. An entry is returned
    /// to one caller only, also when several nodes claim at once.
    func claimDueMail(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [OutboxEntry]
    /// Records the outcome of attempt number `attempt` of a claimed entry. Does nothing and
    /// returns false when the entry is no longer `sending` with that attempt (its claim lapsed
    /// and someone else claimed it).
    @discardableResult
    func recordMailOutcome(_ id: OutboxID, attempt: Int, outcome: OutboxOutcome, at: Timestamp) async throws -> Bool
    /// Entries, newest first; only those in `state` when given.
    func outbox(state: OutboxState?, page: PageRequest) async throws -> Page<OutboxEntry>
}

extension OutboxEntry {
    /// The entry after `outcome` of its current attempt, recorded `at`.
    public func recording(_ outcome: OutboxOutcome, at: Timestamp) -> OutboxEntry {
        var entry = self
        switch outcome {
        case .sent:
            entry.state = .sent
            entry.sentAt = at
            entry.lastError = nil
        case .retry(let next, let error):
            entry.state = .pending
            entry.dueAt = next
            entry.lastError = error
        case .failed(let error):
            entry.state = .failed
            entry.lastError = error
        }
        return entry
    }
}
