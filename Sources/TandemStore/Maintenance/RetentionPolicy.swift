// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// What a retention run may delete. `nil` ages keep that kind forever.
public struct RetentionPolicy: Sendable, Hashable {
    /// The time the ages count back from.
    public var now: Timestamp
    /// Closed tickets whose snapshot was last updated longer ago than this are
    /// deleted, with their op log (only when no operation is newer than the snapshot).
    public var closedTicketAge: Duration?
    /// Read notifications read longer ago than this are deleted.
    public var readNotificationAge: Duration?
    /// Operations older than this and at least ``opLogMargin`` versions behind
    /// their ticket's snapshot are deleted. Loading a ticket needs only the
    /// operations after its snapshot; the margin keeps recent history for live
    /// clients catching up, and for audit.
    public var opLogAge: Duration?
    /// Versions kept below each snapshot, whatever their age.
    public var opLogMargin: Int64
    /// At most this many tickets and this many notifications are deleted per run,
    /// so that one run never holds the store for long.
    public var batchLimit: Int

    public init(
        now: Timestamp, closedTicketAge: Duration? = nil, readNotificationAge: Duration? = nil,
        opLogAge: Duration? = nil, opLogMargin: Int64 = 1000, batchLimit: Int = 1000
    ) {
        self.now = now
        self.closedTicketAge = closedTicketAge
        self.readNotificationAge = readNotificationAge
        self.opLogAge = opLogAge
        self.opLogMargin = max(0, opLogMargin)
        self.batchLimit = max(1, batchLimit)
    }

    /// `now` minus `age`, in milliseconds since 1970.
    package func cutoff(_ age: Duration?) -> Int64? {
        guard let age else { return nil }
        let (seconds, attoseconds) = age.components
        return now.millisecondsSince1970 - (seconds * 1000 + attoseconds / 1_000_000_000_000_000)
    }
}

/// What a retention run deleted.
public struct RetentionReport: Sendable, Hashable, CustomStringConvertible {
    public var tickets = 0
    public var ticketOps = 0
    public var notifications = 0

    public init(tickets: Int = 0, ticketOps: Int = 0, notifications: Int = 0) {
        self.tickets = tickets
        self.ticketOps = ticketOps
        self.notifications = notifications
    }

    public var description: String {
        "\(tickets) closed tickets, \(ticketOps) op-log entries, \(notifications) read notifications"
    }
}
