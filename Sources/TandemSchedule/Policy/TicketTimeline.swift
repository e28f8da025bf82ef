// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// What an SLA evaluation needs of a ticket's history.
public struct TicketTimeline: Hashable, Sendable {
    public enum Event: Hashable, Sendable {
        /// A public message from the customer.
        case customerMessage(Timestamp)
        /// A public reply from an agent (internal notes do not count).
        case agentMessage(Timestamp)
        /// The ticket moved to a status.
        case status(Timestamp, TicketStatus)

        public var at: Timestamp {
            switch self {
            case .customerMessage(let at), .agentMessage(let at), .status(let at, _): at
            }
        }
    }

    public var createdAt: Timestamp
    public var initialStatus: TicketStatus
    /// In any order; events at the same instant apply in list order.
    public var events: [Event]

    public init(createdAt: Timestamp, initialStatus: TicketStatus = .new, events: [Event] = []) {
        self.createdAt = createdAt
        self.initialStatus = initialStatus
        self.events = events
    }

    /// The events up to `now`, in time order.
    func ordered(upTo now: Timestamp) -> [Event] {
        events.enumerated().filter { $0.element.at <= now }
            .sorted { ($0.element.at, $0.offset) < ($1.element.at, $1.offset) }.map(\.element)
    }
}
