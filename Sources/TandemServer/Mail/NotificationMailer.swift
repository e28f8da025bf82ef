// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemActors
import TandemCore
import TandemStore

/// Notifications as e-mail: to the requester (ticket received, a public reply, solved) and to
/// staff (assigned, mentioned), for users whose preference is ``MailPreference/immediately``.
///
/// A message holds only what its recipient may read: the requester's messages are made from
/// public changes only (a public comment's body, the subject, the status), and a mention's body
/// is included only for a recipient the access policy lets read that comment (`workInternal` for
/// an internal note, which the registry already requires before it notifies anyone). Every
/// message answers the ticket's thread (``Mailer/threadID(of:)``) so mail clients thread them.
///
/// Failures are logged, never thrown: the notification itself is stored either way.
///
/// Without an SMTP server it queues nothing in production mode (an outbox nobody sends from
/// would only grow); development mode queues and logs, as for every message (``Mailer``).
public struct NotificationMailer: NotificationMail {
    let mailer: Mailer
    let store: any TandemStore
    let logger: Logger
    let enabled: Bool
    let policy = AccessPolicy()

    public init(configuration: TandemConfiguration, store: any TandemStore, clock: any TandemClock, logger: Logger) {
        self.mailer = Mailer(configuration: configuration, store: store, clock: clock, logger: logger)
        self.store = store
        self.logger = logger
        self.enabled = configuration.mail.sends || configuration.mode == .development
    }

    /// "We received your ticket", to its requester; its Message-ID heads the ticket's thread.
    public func ticketReceived(_ ticket: Ticket) async {
        guard enabled else { return }
        do {
            guard let requester = try await recipient(ticket.requester) else { return }
            try await mailer.send(
                .ticketReceived, to: MailAddress(requester.email, name: requester.name),
                values: [
                    "name": requester.name, "subject": ticket.subject, "link": link(ticket.id, for: requester, ticket),
                ], messageID: mailer.threadID(of: ticket.id))
        } catch {
            logger.error("ticket-received mail not queued", metadata: ["ticket": "\(ticket.id)", "error": "\(error)"])
        }
    }

    public func notify(_ notifications: [UserNotification], ticket: Ticket, ops: [TicketOp]) async {
        guard enabled else { return }
        for note in notifications {
            do {
                try await mail(note, ticket: ticket, ops: ops)
            } catch {
                logger.error(
                    "notification mail not queued", metadata: ["notification": "\(note.id)", "error": "\(error)"])
            }
        }
    }

    private func mail(_ note: UserNotification, ticket: Ticket, ops: [TicketOp]) async throws {
        guard let user = try await recipient(note.user) else { return }
        // The operations that caused this notification: the author's, at its time.
        let causes = ops.filter { $0.author == note.actor && $0.at == note.createdAt }
        let actor = try await store.user(id: note.actor)?.name ?? "Someone"
        var values = [
            "name": user.name, "subject": ticket.subject, "actor": actor, "link": link(ticket.id, for: user, ticket),
        ]
        let kind: MailKind
        switch note.kind {
        case .ticketUpdated:
            // The requester's messages come from public changes only.
            if let reply = causes.lazy.compactMap(\.publicComment).first {
                kind = .ticketReply
                values["body"] = reply.body
            } else if ticket.status == .solved, causes.contains(where: \.isStatusChange) {
                kind = .ticketSolved
            } else {
                return  // other status changes: the portal and the live topic tell
            }
        case .assigned:
            kind = .assigned
        case .mention:
            guard let comment = causes.lazy.compactMap(\.comment).first(where: { $0.mentions.contains(user.id) }),
                try await may(user, comment.visibility == .public ? .readTicket : .workInternal, ticket)
            else { return }
            kind = .mention
            values["body"] = comment.body
            values["visibility"] = comment.visibility == .public ? "a public reply" : "an internal note"
        }
        let thread = mailer.threadID(of: ticket.id)
        try await mailer.send(
            kind, to: MailAddress(user.email, name: user.name), values: values, inReplyTo: thread, references: [thread])
    }

    /// The user, when they want notification e-mail now; nil otherwise (disabled, `digest`, `off`).
    private func recipient(_ id: UserID) async throws -> User? {
        guard let user = try await store.user(id: id), !user.disabled else { return nil }
        return try await store.mailPreference(of: id) == .immediately ? user : nil
    }

    private func may(_ user: User, _ action: Action, _ ticket: Ticket) async throws -> Bool {
        let principal = Principal(userID: user.id, role: user.role, teams: try await store.memberships(of: user.id))
        return policy.decide(principal, action, .ticket(requester: ticket.requester, team: ticket.team)).isAllowed
    }

    /// The ticket in the web client: the portal for its requester (staff too: as requester they
    /// see the public view), the agent workspace for other staff.
    private func link(_ ticket: TicketID, for user: User, _ state: Ticket) -> String {
        user.role.isStaff && user.id != state.requester
            ? mailer.link("/tickets/\(ticket.rawValue)") : mailer.link("/portal/tickets/\(ticket.rawValue)")
    }
}

extension TicketOp {
    fileprivate var comment: Comment? {
        if case .comment(let comment) = change { comment } else { nil }
    }

    fileprivate var publicComment: Comment? {
        comment.flatMap { $0.visibility == .public ? $0 : nil }
    }

    fileprivate var isStatusChange: Bool {
        if case .status = change { true } else { false }
    }
}
