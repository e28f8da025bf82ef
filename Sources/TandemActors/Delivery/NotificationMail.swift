// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

/// Where the notifications of a commit go besides the notification store and the live topic:
/// e-mail (`TandemServer`'s `NotificationMailer`). Called after the notifications are stored,
/// with the ticket as committed and the operations that caused them, so that a message can say
/// what happened without reading the store again.
public protocol NotificationMail: Sendable {
    func notify(_ notifications: [UserNotification], ticket: Ticket, ops: [TicketOp]) async
}
