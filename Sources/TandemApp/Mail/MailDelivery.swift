// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemMail
import TandemStore

/// Delivers one claimed outbox entry and records what came of it: the unit of work of e-mail.
/// ``OutboxService`` runs it today; the job engine can host it unchanged (a job per claimed
/// entry), since everything it needs is in the entry and the seams it holds.
///
/// "Sent once" (docs/EMAIL.md): the outcome is recorded after the server took the message. If
/// the process dies in between, the entry's claim lapses and it is sent again — with the same
/// `Message-ID`, so the duplicate is detectable (and most mail systems drop it). Nothing is sent
/// twice otherwise: an entry is claimed by one sender at a time, and an outcome is recorded only
/// by the claim that made the attempt.
public struct MailDelivery: Sendable {
    public let store: any OutboxStore
    public let transport: any MailTransport
    public let retry: MailRetryPolicy
    public let clock: any TandemClock
    public let logger: Logger

    public init(
        store: any OutboxStore, transport: any MailTransport, retry: MailRetryPolicy, clock: any TandemClock, logger: Logger
    ) {
        self.store = store
        self.transport = transport
        self.retry = retry
        self.clock = clock
        self.logger = logger
    }

    /// Sends `entry` (as claimed: `sending`, its `attempts` is this attempt's number) and
    /// records the outcome. Never throws: a failure to record is logged, and the entry is
    /// tried again when its claim lapses.
    @discardableResult
    public func deliver(_ entry: OutboxEntry) async -> OutboxOutcome {
        var logger = logger
        logger[metadataKey: "mail"] = "\(entry.id)"
        logger[metadataKey: "attempt"] = "\(entry.attempts)"
        let outcome: OutboxOutcome
        do {
            try await transport.send(entry.message, at: clock.now())
            outcome = .sent
        } catch {
            outcome = retry.outcome(after: error, attempt: entry.attempts, now: clock.now())
        }
        do {
            let recorded = try await store.recordMailOutcome(entry.id, attempt: entry.attempts, outcome: outcome, at: clock.now())
            if !recorded {
                logger.warning("mail outcome not recorded: the claim lapsed and another sender took the entry")
            }
        } catch {
            logger.error(
                "mail outcome not recorded; the entry is tried again when its claim lapses",
                metadata: ["error": "\(error)", "outcome": "\(outcome)"])
        }
        switch outcome {
        case .sent: logger.info("mail sent", metadata: ["kind": "\(entry.kind)"])
        case .retry(let at, let error): logger.warning("mail deferred", metadata: ["error": "\(error)", "next": "\(at)"])
        case .failed(let error): logger.error("mail failed for good", metadata: ["error": "\(error)"])
        }
        return outcome
    }
}
