// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

extension Fixtures {
    /// The next millisecond, for times that are not record ids (op times, read times).
    mutating func advance() -> Timestamp {
        let _: Identifier<Never> = tick("clk")
        return now
    }

    /// A ticket with the next fixture number (1, 2, …), which a store keeps, so that a ticket read
    /// back equals the one made here; ``StoreConformance/unnumbered(_:)`` lets the store choose.
    mutating func ticket(
        subject: String = "The printer is on fire", description: String = "It smokes since this morning.",
        status: TicketStatus = .new, priority: TicketPriority = .normal, requester: UserID,
        team: TeamID? = nil, assignee: UserID? = nil, tags: Set<String> = []
    ) -> Ticket {
        let id: TicketID = tick("tkt")
        lastTicketNumber += 1
        var ticket = Ticket(
            id: id, subject: subject, description: description, status: status, priority: priority,
            requester: requester, team: team, assignee: assignee, tags: tags, createdAt: now)
        ticket.number = lastTicketNumber
        return ticket
    }

    mutating func comment(author: UserID, body: String, visibility: Visibility, mentions: [UserID] = []) -> Comment {
        let id: CommentID = tick("cmt")
        return Comment(id: id, author: author, body: body, visibility: visibility, mentions: mentions, createdAt: now)
    }

    /// An op producing `version`, at the next millisecond.
    mutating func op(
        _ change: TicketChange, version: Int64, author: UserID, client: String? = "client-1", seq: Int64? = nil
    ) -> TicketOp {
        TicketOp(version: version, change: change, author: author, at: advance(), client: client, seq: seq ?? version)
    }

    mutating func notification(
        for user: UserID, kind: NotificationKind = .mention, ticket: TicketID, actor: UserID,
        text: String = "You were mentioned"
    ) -> UserNotification {
        let id: NotificationID = tick("ntf")
        return UserNotification(
            id: id, user: user, kind: kind, ticket: ticket, actor: actor, text: text, createdAt: now)
    }
}

extension Ticket {
    /// This ticket after `ops`, applied with the default limits.
    func applying(_ ops: [TicketOp]) throws -> Ticket {
        var ticket = self
        for op in ops { try ticket.apply(op, limits: TicketLimits()) }
        return ticket
    }
}

extension TextOperation {
    /// Inserts `text` after the first `position` scalars.
    static func inserting(_ text: String, at position: Int) -> TextOperation {
        var operation = TextOperation()
        operation.retain(position)
        operation.insert(text)
        return operation
    }
}
