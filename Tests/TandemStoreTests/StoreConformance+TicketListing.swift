// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

/// Listing, filtering, pagination and queue activation.
extension StoreConformance {
    static func ticketFilters(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let (c1, c2, a1, a2) = (fixtures.user(), fixtures.user(), fixtures.user(), fixtures.user())
        let (tA, tB) = (fixtures.team(), fixtures.team())
        let rows: [(UserID, TeamID?, UserID?, TicketStatus, TicketPriority, Set<String>)] = [
            (c1.id, tA.id, a1.id, .new, .normal, ["vip"]),
            (c2.id, tA.id, nil, .open, .high, ["billing"]),
            (c1.id, tB.id, a2.id, .pending, .low, ["vip", "billing"]),
            (c2.id, nil, nil, .onHold, .urgent, []),
            (c1.id, tB.id, a1.id, .solved, .normal, ["vip"]),
            (c2.id, nil, a2.id, .closed, .high, []),
            (c1.id, tA.id, nil, .closed, .normal, ["vip"]),
        ]
        var tickets = rows.map { requester, team, assignee, status, priority, tags in
            fixtures.ticket(
                status: status, priority: priority, requester: requester, team: team, assignee: assignee, tags: tags)
        }
        for ticket in tickets { try await store.createTicket(ticket) }

        func check(
            _ filter: TicketFilter, _ sourceLocation: SourceLocation = #_sourceLocation,
            _ matches: (Ticket) -> Bool
        ) async throws {
            let expected = tickets.filter(matches).map(\.summary)
            let found = try await store.listTickets(filter, page: PageRequest(limit: 200)).items
            #expect(found == expected, "\(filter)", sourceLocation: sourceLocation)
        }
        func checkAll() async throws {
            try await check(TicketFilter()) { _ in true }
            try await check(TicketFilter(statuses: [.open, .pending])) { [.open, .pending].contains($0.status) }
            try await check(TicketFilter(statuses: [.closed])) { $0.status == .closed }
            try await check(TicketFilter(statuses: [])) { _ in false }
            try await check(TicketFilter(priority: .high)) { $0.priority == .high }
            try await check(TicketFilter(requester: c1.id)) { $0.requester == c1.id }
            try await check(TicketFilter(team: tA.id)) { $0.team == tA.id }
            try await check(TicketFilter(visibleTeams: [tA.id])) { $0.team == tA.id || $0.team == nil }
            try await check(TicketFilter(visibleTeams: [tA.id, tB.id])) { _ in true }
            try await check(TicketFilter(visibleTeams: [])) { $0.team == nil }
            try await check(TicketFilter(assignee: .some(nil))) { $0.assignee == nil }
            try await check(TicketFilter(assignee: .some(a1.id))) { $0.assignee == a1.id }
            try await check(TicketFilter(tag: "vip")) { $0.tags.contains("vip") }
            try await check(TicketFilter(tag: "missing")) { _ in false }
            try await check(TicketFilter(statuses: [.new, .solved, .closed], requester: c1.id, tag: "vip")) {
                [.new, .solved, .closed].contains($0.status) && $0.requester == c1.id && $0.tags.contains("vip")
            }
            try await check(TicketFilter(visibleTeams: [tB.id], assignee: .some(nil))) {
                ($0.team == tB.id || $0.team == nil) && $0.assignee == nil
            }
            try await check(TicketFilter(priority: .normal, team: tA.id, assignee: .some(a1.id), tag: "vip")) {
                $0.priority == .normal && $0.team == tA.id && $0.assignee == a1.id && $0.tags.contains("vip")
            }
        }
        try await checkAll()

        // Listings follow the snapshot: team, tags, assignee and status of ticket 3 change.
        let ops = [
            fixtures.op(.team(tA.id), version: 1, author: a1.id),
            fixtures.op(.tags(try TagOperation(adding: ["vip"])), version: 2, author: a1.id),
            fixtures.op(.assignee(a2.id), version: 3, author: a1.id),
            fixtures.op(.status(.open), version: 4, author: a1.id),
        ]
        tickets[3] = try tickets[3].applying(ops)
        try await store.commit(ticket: tickets[3].id, ops: ops, snapshot: tickets[3])
        // And ticket 2 loses its tags.
        let untag = fixtures.op(.tags(try TagOperation(removing: ["vip", "billing"])), version: 1, author: a1.id)
        tickets[2] = try tickets[2].applying([untag])
        try await store.commit(ticket: tickets[2].id, ops: [untag], snapshot: tickets[2])
        try await checkAll()
    }

    static func ticketPagination(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let priorities: [TicketPriority] = [.low, .high, .normal]
        let tickets = (0..<25).map { index in
            fixtures.ticket(subject: "Ticket \(index)", priority: priorities[index % 3], requester: ada.id)
        }
        // Inserted out of order: listings are in id order all the same.
        for ticket in tickets.reversed() { try await store.createTicket(ticket) }

        let all = try await collect(limit: 7) { try await store.listTickets(TicketFilter(), page: $0) }
        #expect(all.items.map(\.id) == tickets.map(\.id))
        #expect(all.pages == 4)
        let high = try await collect(limit: 2) { try await store.listTickets(TicketFilter(priority: .high), page: $0) }
        #expect(high.items.map(\.id) == tickets.filter { $0.priority == .high }.map(\.id))
        let exact = try await collect(limit: 25) { try await store.listTickets(TicketFilter(), page: $0) }
        #expect(exact.pages == 1)
        #expect(try await store.countTickets() == 25)

        await #expect(throws: StoreError.invalidCursor) {
            _ = try await store.listTickets(TicketFilter(), page: PageRequest(after: "garbage"))
        }
        // A cursor of another listing is refused.
        try await store.createUser(ada)
        try await store.createUser(fixtures.user())
        let users = try await store.listUsers(UserFilter(), page: PageRequest(limit: 1))
        let foreign = try #require(users.nextCursor)
        await #expect(throws: StoreError.invalidCursor) {
            _ = try await store.listTickets(TicketFilter(), page: PageRequest(after: foreign))
        }
    }

    static func openTickets(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let (tA, tB) = (fixtures.team(), fixtures.team())
        var tickets: [Ticket] = []
        for status in TicketStatus.allCases {
            tickets.append(fixtures.ticket(status: status, requester: ada.id, team: tA.id))
        }
        tickets.append(fixtures.ticket(status: .open, requester: ada.id))
        tickets.append(fixtures.ticket(status: .closed, requester: ada.id))
        tickets.append(fixtures.ticket(status: .closed, requester: ada.id, team: tB.id))
        for ticket in tickets.shuffled() { try await store.createTicket(ticket) }

        func expected(_ team: TeamID?) -> [TicketSummary] {
            tickets.filter { $0.team == team && $0.status != .closed }.map(\.summary)
        }
        #expect(try await store.openTickets(team: tA.id) == expected(tA.id))
        #expect(try await store.openTickets(team: tA.id).count == 5)
        #expect(try await store.openTickets(team: nil) == expected(nil))
        #expect(try await store.openTickets(team: tB.id) == [])
        #expect(try await store.openTickets(team: TeamID("tea_missing")) == [])

        // Closing a solved ticket (through a snapshot) takes it out of the queue.
        let solved = try #require(tickets.firstIndex { $0.team == tA.id && $0.status == .solved })
        let close = fixtures.op(.status(.closed), version: 1, author: ada.id)
        tickets[solved] = try tickets[solved].applying([close])
        try await store.commit(ticket: tickets[solved].id, ops: [close], snapshot: tickets[solved])
        #expect(try await store.openTickets(team: tA.id) == expected(tA.id))
        #expect(try await store.openTickets(team: tA.id).count == 4)
    }
}
