// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

/// Told about every committed batch, after it is durable: feeds team queues and notifications.
public protocol TicketCommitObserver: Sendable {
    /// `before` is the durable summary before the batch, `after` the one after it.
    func ticketCommitted(before: TicketSummary, after: Ticket, ops: [TicketOp]) async
}
