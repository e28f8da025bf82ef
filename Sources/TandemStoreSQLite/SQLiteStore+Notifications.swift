// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// The ``NotificationStore`` requirements of ``TandemStore``.
extension SQLiteStore {
    /// Inserts the notifications in one transaction: all or none.
    /// - Throws: ``StoreError/notFound(kind:id:)`` with kind `user` when a recipient is not a user;
    ///   ``StoreError/duplicate(kind:field:)`` with kind `notification`, field `id` when an id is taken.
    public func createNotifications(_ notifications: [UserNotification]) async throws {
        guard !notifications.isEmpty else { return }
        try await write("createNotifications") { db in
            let statement = try db.cachedStatement(
                sql: "INSERT INTO notifications (\(SQLiteNotificationRows.columns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            )
            for notification in notifications {
                do {
                    try statement.execute(arguments: SQLiteNotificationRows.arguments(notification))
                } catch  where SQLiteErrors.isForeignKeyViolation(error) {
                    throw StoreError.notFound(kind: "user", id: notification.user.rawValue)
                }
            }
        }
    }

    /// The user's notifications, newest (highest id) first.
    public func notifications(
        of user: UserID, unreadOnly: Bool, page: PageRequest
    ) async throws -> Page<UserNotification> {
        let limit = Pagination.clamp(page.limit)
        let before = try Pagination.start(page, listing: "notifications")
        var sql = "SELECT \(SQLiteNotificationRows.columns) FROM notifications WHERE user_id = ?"
        var arguments: [DatabaseValue] = [user.rawValue.databaseValue]
        if unreadOnly {
            sql += " AND read_at IS NULL"
        }
        if let before {
            sql += " AND id < ?"
            arguments.append(before.databaseValue)
        }
        sql += " ORDER BY id DESC LIMIT ?"
        arguments.append((limit + 1).databaseValue)
        let query = sql
        let values = arguments
        let notifications = try await read("notifications") { db in
            try Row.fetchAll(db, sql: query, arguments: StatementArguments(values))
                .map(SQLiteNotificationRows.notification)
        }
        return Pagination.page(notifications, limit: limit, listing: "notifications") { $0.id.rawValue }
    }

    /// How many of the user's notifications are unread.
    public func unreadCount(of user: UserID) async throws -> Int {
        try await read("unreadCount") { db in
            try Int.fetchOne(
                db, sql: "SELECT COUNT(*) FROM notifications WHERE user_id = ? AND read_at IS NULL",
                arguments: [user.rawValue]
            ) ?? 0
        }
    }

    /// Sets `readAt` on the user's unread notifications among `ids` (all of them when
    /// `ids` is nil). Other users' notifications and unknown ids are ignored.
    /// - Returns: How many notifications changed from unread to read.
    @discardableResult
    public func markRead(user: UserID, ids: [NotificationID]?, at: Timestamp) async throws -> Int {
        var sql = "UPDATE notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL"
        var arguments: [DatabaseValue] = [at.millisecondsSince1970.databaseValue, user.rawValue.databaseValue]
        if let ids {
            guard !ids.isEmpty else { return 0 }
            // One JSON argument rather than one `?` per id: no limit on how many.
            sql += " AND id IN (SELECT value FROM json_each(?))"
            arguments.append(try SQLiteJSON.encode(ids.map(\.rawValue), what: "notification ids").databaseValue)
        }
        let query = sql
        let values = arguments
        return try await write("markRead") { db in
            try db.execute(sql: query, arguments: StatementArguments(values))
            return db.changesCount
        }
    }
}

/// Reads notifications out of rows.
enum SQLiteNotificationRows {
    static let columns = "id, user_id, kind, ticket_id, actor_id, text, created_at, read_at"

    /// The values of ``columns`` for `notification`, in order.
    static func arguments(_ notification: UserNotification) -> StatementArguments {
        [
            notification.id.rawValue, notification.user.rawValue, notification.kind.rawValue,
            notification.ticket.rawValue, notification.actor.rawValue, notification.text,
            notification.createdAt.millisecondsSince1970, notification.readAt?.millisecondsSince1970,
        ]
    }

    static func notification(_ row: Row) throws -> UserNotification {
        let id: String = try SQLiteRows.column(row, "id", table: "notifications")
        let readAt: Int64? = try SQLiteRows.column(row, "read_at", table: "notifications", id: id)
        return UserNotification(
            id: NotificationID(id),
            user: UserID(try SQLiteRows.column(row, "user_id", table: "notifications", id: id)),
            kind: try SQLiteRows.enumeration(row, "kind", table: "notifications", id: id),
            ticket: TicketID(try SQLiteRows.column(row, "ticket_id", table: "notifications", id: id)),
            actor: UserID(try SQLiteRows.column(row, "actor_id", table: "notifications", id: id)),
            text: try SQLiteRows.column(row, "text", table: "notifications", id: id),
            createdAt: try SQLiteRows.timestamp(row, "created_at", table: "notifications", id: id),
            readAt: readAt.map(Timestamp.init(millisecondsSince1970:))
        )
    }
}
