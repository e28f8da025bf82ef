// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// The ``NotificationStore`` requirements of ``TandemStore``.
extension MongoStore {
    /// Inserts the notifications: all or none.
    /// - Throws: ``StoreError/notFound(kind:id:)`` with kind `user` when a recipient is not a user;
    ///   ``StoreError/duplicate(kind:field:)`` with kind `notification`, field `id` when an id is taken
    ///   (the ones inserted before it are removed again).
    public func createNotifications(_ batch: [UserNotification]) async throws {
        guard !batch.isEmpty else { return }
        try await perform("createNotifications") {
            try await requireRecipients(of: batch)
            do {
                try await notifications.insertMany(batch.map(MongoRecords.document), ordered: true)
            } catch let error as MongoError where error.kind == .duplicateKey {
                // Ordered: the ones before the refused one went in. Take them out again.
                let inserted = batch.prefix(error.failedIndex ?? 0).map(\.id.rawValue)
                if !inserted.isEmpty {
                    try await notifications.deleteMany(["key": ["$in": .strings(inserted)]])
                }
                throw StoreError.duplicate(kind: "notification", field: "id")
            }
        }
    }

    /// Checks that every recipient of `batch` is a user (SQLite's foreign key, here by hand).
    /// - Throws: ``StoreError/notFound(kind:id:)`` with kind `user`.
    func requireRecipients(of batch: [UserNotification]) async throws {
        let recipients = Array(Set(batch.map(\.user.rawValue)))
        let found = try await users.find(
            ["key": ["$in": .strings(recipients)]], options: MongoFindOptions(projection: ["_id": 0, "key": 1]))
        let known = Set(found.compactMap { $0["key"]?.stringValue })
        if let missing = batch.first(where: { !known.contains($0.user.rawValue) }) {
            throw StoreError.notFound(kind: "user", id: missing.user.rawValue)
        }
    }

    /// The user's notifications, newest (highest id) first.
    public func notifications(
        of user: UserID, unreadOnly: Bool, page: PageRequest
    ) async throws -> Page<UserNotification> {
        let limit = Pagination.clamp(page.limit)
        let before = try Pagination.start(page, listing: "notifications")
        return try await perform("notifications") {
            var filter: BSONDocument = ["user": .string(user.rawValue)]
            if unreadOnly { filter["read"] = false }
            if let before { filter["key"] = ["$lt": .string(before)] }
            let found = try await notifications.find(
                filter,
                options: MongoFindOptions(sort: ["key": -1], projection: MongoRecords.withoutObjectID, limit: limit + 1))
            return Pagination.page(try found.map(MongoRecords.notification), limit: limit, listing: "notifications") {
                $0.id.rawValue
            }
        }
    }

    /// How many of the user's notifications are unread.
    public func unreadCount(of user: UserID) async throws -> Int {
        try await perform("unreadCount") {
            try await notifications.countDocuments(["user": .string(user.rawValue), "read": false])
        }
    }

    /// Sets `readAt` on the user's unread notifications among `ids` (all of them when
    /// `ids` is nil). Other users' notifications and unknown ids are ignored.
    /// - Returns: How many notifications changed from unread to read.
    @discardableResult
    public func markRead(user: UserID, ids: [NotificationID]?, at: Timestamp) async throws -> Int {
        if let ids, ids.isEmpty { return 0 }
        return try await perform("markRead") {
            var filter: BSONDocument = ["user": .string(user.rawValue), "read": false]
            if let ids { filter["key"] = ["$in": .strings(ids.map(\.rawValue))] }
            let result = try await notifications.updateMany(
                filter, ["$set": ["read": true, "readAt": .int64(at.millisecondsSince1970)]])
            return result.modified
        }
    }
}
