// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// A ticket as one audience sees it. Staff see everything; customers see the
/// subject, description, status, priority, dates and public replies only:
/// no internal notes, no draft or its mode, no pending replies, no internal comments, no team,
/// assignee or tags.
public struct TicketView: Codable, Sendable, Hashable {
    public var id: TicketID
    /// The ticket number people say (#1042).
    public var number: Int64
    public var version: Int64
    public var subject: String
    public var description: String
    public var status: TicketStatus
    public var priority: TicketPriority
    public var requester: UserID
    public var team: TeamID?
    public var assignee: UserID?
    public var tags: [String]?
    public var internalNotes: String?
    public var replyDraft: String?
    /// The shared draft's mode, who set it and who wrote in it while internal (staff only).
    public var draftMode: DraftMode?
    /// Public replies inside their undo window (staff only; customers never learn of them).
    public var pendingReplies: [PendingReply]?
    public var comments: [Comment]
    public var history: [HistoryEntry]
    public var createdAt: Timestamp
    public var updatedAt: Timestamp
    public var firstResponseAt: Timestamp?
    public var solvedAt: Timestamp?

    public init(_ ticket: Ticket, audience: Audience) {
        let staff = audience == .staff
        id = ticket.id
        number = ticket.number
        version = ticket.version
        subject = ticket.subject
        description = ticket.description.string
        status = ticket.status
        priority = ticket.priority
        requester = ticket.requester
        team = staff ? ticket.team : nil
        assignee = staff ? ticket.assignee : nil
        tags = staff ? ticket.tags.sorted() : nil
        internalNotes = staff ? ticket.internalNotes.string : nil
        replyDraft = staff ? ticket.replyDraft.string : nil
        draftMode = staff ? ticket.replyDraftMode : nil
        pendingReplies = staff ? ticket.pendingReplies : nil
        comments = staff ? ticket.comments : ticket.comments.filter { $0.visibility == .public }
        history = staff ? ticket.history : ticket.history.filter(\.isPublic)
        createdAt = ticket.createdAt
        updatedAt = ticket.updatedAt
        firstResponseAt = ticket.firstResponseAt
        solvedAt = ticket.solvedAt
    }
}
