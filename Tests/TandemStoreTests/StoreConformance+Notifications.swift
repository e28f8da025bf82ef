// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

extension StoreConformance {
    static func notificationRoundTrip(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user(name: "Ada")
        let bob = fixtures.user(name: "Bob")
        try await store.createUser(ada)
        try await store.createUser(bob)
        let ticket = TicketID("tkt_1")
        let mention = fixtures.notification(
            for: ada.id, kind: .mention, ticket: ticket, actor: bob.id, text: "@Ada 😀 e\u{301}")
        var read = fixtures.notification(for: ada.id, kind: .assigned, ticket: ticket, actor: bob.id, text: "Assigned")
        read.readAt = fixtures.advance()
        let batch = [
            mention,
            read,
            fixtures.notification(for: bob.id, kind: .ticketUpdated, ticket: ticket, actor: ada.id, text: "東京"),
            fixtures.notification(for: ada.id, kind: .ticketUpdated, ticket: ticket, actor: ada.id, text: "Solved"),
        ]
        try await store.createNotifications(batch)
        try await store.createNotifications([])

        let adas = try await store.notifications(of: ada.id, unreadOnly: false, page: PageRequest())
        #expect(adas.items == [batch[3], batch[1], batch[0]])
        #expect(adas.nextCursor == nil)
        #expect(adas.items.last?.text.unicodeScalars.elementsEqual(batch[0].text.unicodeScalars) == true)
        let unread = try await store.notifications(of: ada.id, unreadOnly: true, page: PageRequest())
        #expect(unread.items == [batch[3], batch[0]])
        #expect(try await store.notifications(of: bob.id, unreadOnly: false, page: PageRequest()).items == [batch[2]])
        #expect(try await store.unreadCount(of: ada.id) == 2)
        #expect(try await store.unreadCount(of: bob.id) == 1)
        #expect(try await store.unreadCount(of: UserID("usr_missing")) == 0)
        #expect(
            try await store.notifications(of: UserID("usr_missing"), unreadOnly: false, page: PageRequest())
                .items.isEmpty)
    }

    static func notificationPagination(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        try await store.createUser(ada)
        var notifications = (0..<23).map { index in
            fixtures.notification(for: ada.id, ticket: TicketID("tkt_\(index)"), actor: ada.id, text: "n\(index)")
        }
        for index in notifications.indices where index.isMultiple(of: 3) {
            notifications[index].readAt = fixtures.advance()
        }
        try await store.createNotifications(Array(notifications[..<10]))
        try await store.createNotifications(Array(notifications[10...]))

        let all = try await collect(limit: 5) {
            try await store.notifications(of: ada.id, unreadOnly: false, page: $0)
        }
        #expect(all.items == notifications.reversed())
        #expect(all.pages == 5)
        let unread = try await collect(limit: 4) {
            try await store.notifications(of: ada.id, unreadOnly: true, page: $0)
        }
        #expect(unread.items == notifications.reversed().filter { $0.readAt == nil })
        await #expect(throws: StoreError.invalidCursor) {
            _ = try await store.notifications(of: ada.id, unreadOnly: false, page: PageRequest(after: "c1.nope"))
        }
    }

    static func markRead(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user(name: "Ada")
        let bob = fixtures.user(name: "Bob")
        try await store.createUser(ada)
        try await store.createUser(bob)
        let ticket = TicketID("tkt_1")
        let adas = (0..<4).map { _ in fixtures.notification(for: ada.id, ticket: ticket, actor: bob.id) }
        let bobs = (0..<2).map { _ in fixtures.notification(for: bob.id, ticket: ticket, actor: ada.id) }
        try await store.createNotifications(adas + bobs)

        // Only the user's own, only unread ones count.
        let first = fixtures.advance()
        #expect(try await store.markRead(user: ada.id, ids: [adas[0].id, adas[1].id, bobs[0].id], at: first) == 2)
        let alreadyRead = [adas[1].id, NotificationID("ntf_missing")]
        #expect(try await store.markRead(user: ada.id, ids: alreadyRead, at: first) == 0)
        #expect(try await store.markRead(user: ada.id, ids: [], at: first) == 0)
        #expect(try await store.unreadCount(of: ada.id) == 2)
        #expect(try await store.unreadCount(of: bob.id) == 2)

        // All of them; the first read time is kept.
        let second = fixtures.advance()
        #expect(try await store.markRead(user: ada.id, ids: nil, at: second) == 2)
        #expect(try await store.markRead(user: ada.id, ids: nil, at: second) == 0)
        #expect(try await store.unreadCount(of: ada.id) == 0)
        let listed = try await store.notifications(of: ada.id, unreadOnly: false, page: PageRequest()).items
        #expect(listed.map(\.readAt) == [second, second, first, first])
        #expect(try await store.notifications(of: ada.id, unreadOnly: true, page: PageRequest()).items.isEmpty)
        #expect(try await store.unreadCount(of: bob.id) == 2)
        let bobsUnread = try await store.notifications(of: bob.id, unreadOnly: true, page: PageRequest()).items
        #expect(bobsUnread == bobs.reversed())
    }

    static func notificationRecipients(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        try await store.createUser(ada)
        let ticket = TicketID("tkt_1")
        let good = fixtures.notification(for: ada.id, ticket: ticket, actor: ada.id)
        let ghost = fixtures.notification(for: UserID("usr_ghost"), ticket: ticket, actor: ada.id)
        // All or nothing.
        await #expect(throws: StoreError.notFound(kind: "user", id: "usr_ghost")) {
            try await store.createNotifications([good, ghost])
        }
        #expect(try await store.unreadCount(of: ada.id) == 0)
        try await store.createNotifications([good])
        await #expect(throws: StoreError.duplicate(kind: "notification", field: "id")) {
            try await store.createNotifications([good])
        }
        #expect(try await store.notifications(of: ada.id, unreadOnly: false, page: PageRequest()).items == [good])
    }
}
