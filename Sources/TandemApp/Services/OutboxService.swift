// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import ServiceLifecycle
import TandemCore
import TandemMail
import TandemServer
import TandemStore

/// Sends the outbox's mail from this node: every `mail.pollMilliseconds` it claims what is due
/// and runs ``MailDelivery`` on each entry, as many at a time as the SMTP client has connections.
/// Several nodes may run it on one store: claims keep them apart.
///
/// Without `mail.smtpURL` it does not run: mail stays `pending` in the outbox (docs/EMAIL.md).
/// On graceful shutdown it stops claiming, lets the deliveries in progress finish, then closes
/// the SMTP client, before the store closes.
struct OutboxService: Service {
    let store: any OutboxStore
    let settings: TandemConfiguration.Mail
    let clock: any TandemClock
    let logger: Logger

    func run() async throws {
        guard let smtp = Self.settings(settings) else {
            logger.notice("mail.smtpURL is not set: e-mail is kept in the outbox, not sent")
            try? await gracefulShutdown()
            return
        }
        let client = SMTPClient(smtp, logger: logger)
        let delivery = MailDelivery(
            store: store, transport: client, retry: MailRetryPolicy(settings), clock: clock, logger: logger)
        logger.info("outbox sender started", metadata: ["smtp": "\(smtp.url)", "tls": "\(smtp.tls.rawValue)"])
        // A claim outlives the slowest batch: its messages wait for one of the client's connections,
        // each transfer bounded by the timeout, so a live sender never loses an entry to another node.
        let batch = smtp.connections * 4
        let claimSeconds = Int64(settings.timeoutSeconds) * Int64(batch / smtp.connections) + 30
        while !Task.isShuttingDownGracefully {
            var claimed: [OutboxEntry] = []
            do {
                let now = clock.now()
                claimed = try await store.claimDueMail(now: now, leaseUntil: now.adding(seconds: claimSeconds), limit: batch)
            } catch {
                logger.warning("outbox claim failed", metadata: ["error": "\(error)"])
            }
            await withTaskGroup(of: Void.self) { group in
                for entry in claimed { group.addTask { await delivery.deliver(entry) } }
            }
            // A full batch: more may be due at once.
            if claimed.count == batch { continue }
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(settings.pollMilliseconds)) }
            } catch {
                break
            }
        }
        await client.shutdown()
        logger.debug("outbox sender stopped")
    }

    /// The SMTP client settings `mail.*` describe; nil without `mail.smtpURL`.
    static func settings(_ mail: TandemConfiguration.Mail) -> SMTPSettings? {
        guard mail.sends else { return nil }
        return SMTPSettings(
            url: mail.smtpURL, username: mail.username.isEmpty ? nil : mail.username,
            password: mail.username.isEmpty ? nil : mail.password, tls: SMTPTLSMode(rawValue: mail.tls) ?? .required,
            caFile: mail.caFile.isEmpty ? nil : mail.caFile, connectTimeout: .seconds(min(10, mail.timeoutSeconds)),
            timeout: .seconds(mail.timeoutSeconds))
    }
}
