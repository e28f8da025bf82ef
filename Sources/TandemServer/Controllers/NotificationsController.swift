// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore
import TandemStore

/// `/api/v1/notifications`: the caller's own notifications, and marking them read.
struct NotificationsController {
    typealias Context = TandemRequestContext
    let store: any TandemStore
    let clock: any TandemClock
    let cursors: CursorSeal

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: list)
        group.post("read", use: markRead)
    }

    struct Item: Encodable, Sendable {
        var id: String
        var kind: NotificationKind
        var ticket: String
        var actor: String
        var text: String
        var createdAt: String
        var readAt: String?

        init(_ notification: UserNotification) {
            id = notification.id.rawValue
            kind = notification.kind
            ticket = notification.ticket.rawValue
            actor = notification.actor.rawValue
            text = notification.text
            createdAt = notification.createdAt.iso8601
            readAt = notification.readAt?.iso8601
        }
    }

    struct Listing: ResponseEncodable, Sendable {
        var items: [Item]
        var nextCursor: String?
        var unread: Int
    }

    struct ReadRequest: RequestBody {
        static let fields: Set<String> = ["ids"]
        /// The notifications to mark read; all of the caller's when absent.
        var ids: [String]?
    }

    struct ReadResult: ResponseEncodable, Sendable {
        var marked: Int
        var unread: Int
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> Listing {
        let identity = try context.requireIdentity()
        let unreadOnly = request.uri.queryParameters["unread"].map { $0 == "true" } ?? false
        let page = try await store.notifications(
            of: identity.user.id, unreadOnly: unreadOnly, page: try pageRequest(from: request, cursors: cursors))
        return Listing(
            items: page.items.map(Item.init), nextCursor: cursors.seal(page.nextCursor),
            unread: try await store.unreadCount(of: identity.user.id))
    }

    @Sendable func markRead(_ request: Request, context: Context) async throws -> ReadResult {
        let identity = try context.requireIdentity()
        let body = try await request.decodeBody(ReadRequest.self, context: context)
        if let ids = body.ids {
            try Validators.count(ids, atMost: FieldLimits.idsPerRequest, field: "ids")
            for (index, id) in ids.enumerated() { try Validators.identifier(id, field: "ids[\(index)]") }
        }
        let marked = try await store.markRead(
            user: identity.user.id, ids: body.ids.map { $0.map(NotificationID.init) }, at: clock.now())
        return ReadResult(marked: marked, unread: try await store.unreadCount(of: identity.user.id))
    }
}
