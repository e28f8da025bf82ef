// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Ticket numbers (#1042): the short number people say, beside the ticket's id.
///
/// ``TicketStore/createTicket(_:)`` allocates each new ticket's number from one
/// counter per store (so per cluster), atomically with or before the ticket's insert:
/// numbers are unique and never reused (a purged ticket's number stays taken; a
/// failed insert may leave a gap). Tickets stored before numbers existed are numbered
/// by the stores' migrations in creation order.
public protocol TicketNumberStore: Sendable {
    /// The id of the ticket with this number, or `nil`.
    func ticketID(number: Int64) async throws -> TicketID?
}

/// How a search text names a ticket by number: `1042` or `#1042`, alone.
public enum TicketNumberQuery {
    /// The number `query` names, or `nil` when it is anything else.
    public static func number(in query: String) -> Int64? {
        var text = query.drop(while: \.isWhitespace)
        while text.last?.isWhitespace == true { text = text.dropLast() }
        if text.first == "#" { text = text.dropFirst() }
        guard !text.isEmpty, text.count <= 18, text.allSatisfy({ $0.isASCII && $0.isNumber }),
            let number = Int64(text), number > 0
        else { return nil }
        return number
    }

    /// The number in a path segment (`/tickets/1042`), or `nil` when it is an id (`tkt_…`).
    public static func number(inPath segment: String) -> Int64? {
        segment.first == "#" ? nil : number(in: segment)
    }
}
