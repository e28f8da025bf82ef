// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

extension ActorRegistry: TicketCommitObserver {
    /// Feeds the queues the ticket left and joined, and notifies the people concerned:
    /// mentioned staff, a new assignee, and the requester on public replies and status changes.
    public func ticketCommitted(before: TicketSummary, after: Ticket, ops: [TicketOp]) async {
        let summary = after.summary
        await feedQueues(summary, teams: [before.team, summary.team])
        await moveDraftAttachments(ticket: after.id, ops: ops)
        let notes = await notifications(for: after, ops: ops)
        guard !notes.isEmpty else { return }
        do {
            try await notifications.createNotifications(notes)
        } catch {
            logger.error("notifications not stored", metadata: ["ticket": "\(after.id)", "error": "\(error)"])
            return
        }
        await mail?.notify(notes, ticket: after, ops: ops)
        for note in notes {
            // The user's connections may be on any node.
            guard cluster.isClustered || activeSession(note.user) != nil else { continue }
            let unread = (try? await notifications.unreadCount(of: note.user)) ?? 0
            await publish(.notification(note, unread: unread))
        }
    }

    private func notifications(for ticket: Ticket, ops: [TicketOp]) async -> [UserNotification] {
        var result: [UserNotification] = []
        let ids = IdentifierGenerator()
        func add(_ user: UserID, _ kind: NotificationKind, _ op: TicketOp) {
            guard user != op.author, !result.contains(where: { $0.user == user && $0.kind == kind }) else { return }
            result.append(
                UserNotification(
                    id: ids.make("ntf", at: UInt64(op.at.millisecondsSince1970)), user: user, kind: kind,
                    ticket: ticket.id, actor: op.author, text: ticket.subject, createdAt: op.at))
        }
        for op in ops {
            switch op.change {
            case .comment(let comment):
                // An internal comment may notify only those who may read internal content: a
                // customer, or staff who see the ticket only as its requester, learn nothing of it.
                let needed: Action = comment.visibility == .public ? .readTicket : .workInternal
                for mentioned in comment.mentions where await may(mentioned, needed, ticket) {
                    add(mentioned, .mention, op)
                }
                if comment.visibility == .public { add(ticket.requester, .ticketUpdated, op) }
            case .assignee(let assignee?):
                add(assignee, .assigned, op)
            case .status:
                add(ticket.requester, .ticketUpdated, op)
            default:
                break
            }
        }
        return result
    }

    /// Whether a mentioned user may do `action` on the ticket (a mention never leaks a ticket,
    /// nor an internal comment).
    private func may(_ user: UserID, _ action: Action, _ ticket: Ticket) async -> Bool {
        guard let account = try? await users.user(id: user), !account.disabled,
            let teams = try? await teamsStore.memberships(of: user)
        else { return false }
        let principal = Principal(userID: user, role: account.role, teams: teams)
        return AccessPolicy().decide(principal, action, .ticket(requester: ticket.requester, team: ticket.team))
            .isAllowed
    }
}

extension ActorRegistry {
    /// Tells the queue of a newly created ticket about it.
    public func ticketCreated(_ ticket: Ticket) async {
        await feedQueues(ticket.summary, teams: [ticket.team])
    }
}

extension ActorRegistry: TicketDirectory {
    public func isAssignable(_ user: UserID, team: TeamID?) async -> Bool {
        guard let account = try? await users.user(id: user), account.role.isStaff, !account.disabled else { return false }
        guard let team else { return true }
        if account.role == .admin { return true }
        return (try? await teamsStore.memberships(of: user))?[team] != nil
    }

    public func teamExists(_ team: TeamID) async -> Bool {
        (try? await teamsStore.team(id: team)) != nil
    }
}
