// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

/// Ticket numbers: allocated by the store, unique, never reused, found by number and by search.
extension StoreConformance {
    static func ticketNumbers(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let customer = fixtures.user(role: .customer)
        let other = fixtures.user(role: .customer)
        let agent = fixtures.user()
        var first = fixtures.ticket(subject: "Printer jammed", requester: customer.id)
        first.number = 0  // 0: the store allocates
        first = try await store.createTicket(first)
        let second = try await store.createTicket(
            unnumbered(fixtures.ticket(subject: "Invoice 2 is wrong", description: "See invoice 2.", requester: other.id)))
        let third = try await store.createTicket(unnumbered(fixtures.ticket(subject: "Login", requester: customer.id)))
        #expect([first.number, second.number, third.number] == [1, 2, 3])

        // The number is part of the stored snapshot and of the summary, and survives commits.
        #expect(try await store.loadTicket(id: second.id)?.snapshot == second)
        var changed = second
        let op = fixtures.op(.subject("Invoice 2 is still wrong"), version: 1, author: agent.id)
        try changed.apply(op, limits: TicketLimits())
        try await store.commit(ticket: second.id, ops: [op], snapshot: changed)
        #expect(try await store.loadTicket(id: second.id)?.snapshot.number == 2)
        let listed = try await store.listTickets(TicketFilter(), page: PageRequest()).items
        #expect(listed.map(\.number) == [1, 2, 3])

        #expect(try await store.ticketID(number: 1) == first.id)
        #expect(try await store.ticketID(number: 2) == second.id)
        #expect(try await store.ticketID(number: 4) == nil)

        func search(_ query: String, requester: UserID? = nil, publicOnly: Bool = false) async throws -> [Int64] {
            let filter = TicketFilter(requester: requester, query: query, publicOnly: publicOnly)
            return try await store.listTickets(filter, page: PageRequest()).items.map(\.number).sorted()
        }
        // A number finds its ticket, with or without `#`, besides any text match.
        #expect(try await search("3") == [3])
        #expect(try await search("#3") == [3])
        #expect(try await search(" #1 ") == [1])
        #expect(try await search("2") == [2])
        #expect(try await search("#9") == [])
        // Other filters still hold: a customer searching another's number finds nothing.
        #expect(try await search("#2", requester: customer.id, publicOnly: true) == [])
        #expect(try await search("#3", requester: customer.id, publicOnly: true) == [3])
        // Not a number alone: plain words (ticket 3's text has no word starting with "3").
        #expect(try await search("#3 login") == [])
        #expect(try await search("login") == [3])
        #expect(try await search("invoice") == [2])

        // A ticket that comes with a number (a restore) keeps it; the counter moves past it.
        var restored = fixtures.ticket(subject: "Restored", requester: customer.id)
        restored.number = 40
        #expect(try await store.createTicket(restored).number == 40)
        #expect(try await store.createTicket(unnumbered(fixtures.ticket(requester: customer.id))).number == 41)
        var taken = fixtures.ticket(requester: customer.id)
        taken.number = 2
        await #expect(throws: StoreError.duplicate(kind: "ticket", field: "number")) {
            try await store.createTicket(taken)
        }
        await #expect(throws: StoreError.duplicate(kind: "ticket", field: "id")) {
            try await store.createTicket(second)
        }
        #expect(try await store.ticketID(number: 2) == second.id)
    }

    /// A fixture ticket without its number, for the store to allocate one.
    static func unnumbered(_ ticket: Ticket) -> Ticket {
        var ticket = ticket
        ticket.number = 0
        return ticket
    }

    /// Many tickets created at once (the store's connections in parallel): every number is
    /// different, and none is skipped.
    static func concurrentTicketNumbers(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let customer = fixtures.user(role: .customer)
        let tickets = (0..<40).map { unnumbered(fixtures.ticket(subject: "Ticket \($0)", requester: customer.id)) }
        let numbers = try await withThrowingTaskGroup(of: Int64.self) { group in
            for ticket in tickets {
                group.addTask { try await store.createTicket(ticket).number }
            }
            return try await group.reduce(into: [Int64]()) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(1...40))
        for ticket in tickets {
            let stored = try #require(try await store.loadTicket(id: ticket.id)?.snapshot)
            #expect(try await store.ticketID(number: stored.number) == ticket.id)
        }
    }
}
