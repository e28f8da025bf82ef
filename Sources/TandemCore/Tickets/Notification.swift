// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Why a user is notified.
public enum NotificationKind: String, Codable, Sendable, CaseIterable {
    /// Someone `@`-mentioned them in a comment.
    case mention
    /// A ticket was assigned to them.
    case assigned
    /// Their ticket (as requester) changed status or got a public reply.
    case ticketUpdated
}

/// A message for one user, kept until read and pushed live to their open sessions.
public struct UserNotification: Codable, Sendable, Hashable, Identifiable {
    public var id: NotificationID
    public var user: UserID
    public var kind: NotificationKind
    public var ticket: TicketID
    public var actor: UserID
    /// A short line to show, for example the ticket subject.
    public var text: String
    public var createdAt: Timestamp
    public var readAt: Timestamp?

    public init(
        id: NotificationID, user: UserID, kind: NotificationKind, ticket: TicketID, actor: UserID, text: String,
        createdAt: Timestamp, readAt: Timestamp? = nil
    ) {
        self.id = id
        self.user = user
        self.kind = kind
        self.ticket = ticket
        self.actor = actor
        self.text = text
        self.createdAt = createdAt
        self.readAt = readAt
    }
}
