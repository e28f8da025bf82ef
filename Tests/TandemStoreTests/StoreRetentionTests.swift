// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

/// Retention purges on both stores.
@Suite("Retention")
struct StoreRetentionTests {
    @Test("closed tickets, read notifications and old operations", arguments: MaintenanceStores.all)
    func purge(_ factory: ConformanceStoreFactory) async throws {
        try await MaintenanceStores.with(factory) { store in
            var fixtures = Fixtures()
            let ada = fixtures.user()
            try await store.createUser(ada)
            // Ticket times are fixture times (2025); "now" is ten days later.
            let now = fixtures.now.adding(seconds: 10 * 86_400)

            let solved = fixtures.ticket(subject: "Old closed", status: .solved, requester: ada.id)
            let open = fixtures.ticket(subject: "Open", status: .open, requester: ada.id)
            let unsnapshotted = fixtures.ticket(subject: "Closed, changed since", status: .closed, requester: ada.id)
            for ticket in [solved, open, unsnapshotted] { try await store.createTicket(ticket) }
            let close = fixtures.op(.status(.closed), version: 1, author: ada.id)
            let oldClosed = try solved.applying([close])
            try await store.commit(ticket: solved.id, ops: [close], snapshot: oldClosed)
            // An operation the snapshot does not hold yet (the store does not apply operations).
            try await store.commit(
                ticket: unsnapshotted.id, ops: [fixtures.op(.subject("Later"), version: 1, author: ada.id)], snapshot: nil)

            // Thirty operations on the open ticket, snapshot at 25: with a margin of 10,
            // versions 1...15 may go; 16...30 stay.
            var ticket = open
            let ops = (Int64(1)...30).map { version in
                fixtures.op(.text(.description, .inserting("\(version) ", at: 0)), version: version, author: ada.id)
            }
            ticket = try ticket.applying(Array(ops.prefix(25)))
            try await store.commit(ticket: open.id, ops: Array(ops.prefix(25)), snapshot: ticket)
            try await store.commit(ticket: open.id, ops: Array(ops.suffix(5)), snapshot: nil)

            var read = fixtures.notification(for: ada.id, ticket: open.id, actor: ada.id)
            read.readAt = fixtures.advance()
            let unread = fixtures.notification(for: ada.id, ticket: open.id, actor: ada.id)
            try await store.createNotifications([read, unread])
            let recentlyRead = fixtures.notification(for: ada.id, ticket: open.id, actor: ada.id)
            try await store.createNotifications([recentlyRead])
            try await store.markRead(user: ada.id, ids: [recentlyRead.id], at: now)

            // Nothing configured: nothing goes.
            #expect(try await store.purge(RetentionPolicy(now: now)) == RetentionReport())

            let policy = RetentionPolicy(
                now: now, closedTicketAge: .seconds(86_400), readNotificationAge: .seconds(86_400),
                opLogAge: .seconds(86_400), opLogMargin: 10, batchLimit: 4)
            let report = try await store.purge(policy)
            #expect(report == RetentionReport(tickets: 1, ticketOps: 1 + 15, notifications: 1))

            #expect(try await store.loadTicket(id: oldClosed.id) == nil)
            #expect(try await store.ops(ticket: oldClosed.id, after: 0, through: 10) == [])
            // A closed ticket with operations after its snapshot is kept until they are snapshotted.
            #expect(try await store.loadTicket(id: unsnapshotted.id)?.ops.count == 1)
            let kept = try #require(try await store.loadTicket(id: open.id))
            #expect(kept.snapshot == ticket)
            #expect(kept.ops == Array(ops.suffix(5)))
            #expect(try await store.ops(ticket: open.id, after: 0, through: 30).map(\.version) == Array(16...30))
            #expect(
                try await store.listTickets(TicketFilter(query: "closed"), page: PageRequest()).items.map(\.id)
                    == [unsnapshotted.id])
            let remaining = try await store.notifications(of: ada.id, unreadOnly: false, page: PageRequest()).items
            #expect(remaining.map(\.id) == [recentlyRead.id, unread.id])

            // A second run finds nothing more.
            #expect(try await store.purge(policy) == RetentionReport())
        }
    }
}
