// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// The ``AttachmentStore`` requirements of ``TandemStore``.
extension SQLiteStore {
    static let attachmentColumns =
        "id, ticket_id, comment_id, uploader, name, type, size, sha256, thumbnail, width, height, visibility, created_at"

    /// The quota sum and the insert run in one write transaction (SQLite has one writer), so two
    /// uploads at once cannot both fit the last free bytes.
    /// - Throws: ``StoreError/notFound(kind:id:)`` with kind `ticket` for an unknown ticket;
    ///   ``StoreError/duplicate(kind:field:)`` with kind `attachment` when the id is taken.
    public func addAttachment(_ attachment: Attachment, ticketQuota: Int64) async throws -> AttachmentAdmission {
        try await write("addAttachment") { db in
            let used =
                try Int64.fetchOne(
                    db, sql: "SELECT COALESCE(SUM(size), 0) FROM attachments WHERE ticket_id = ?",
                    arguments: [attachment.ticket.rawValue]) ?? 0
            guard used + attachment.size <= ticketQuota else { return .overQuota(used: used) }
            do {
                try db.execute(
                    sql: "INSERT INTO attachments (\(Self.attachmentColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        attachment.id.rawValue, attachment.ticket.rawValue, attachment.owner.comment?.rawValue,
                        attachment.uploader.rawValue, attachment.name, attachment.type, attachment.size, attachment.sha256,
                        attachment.thumbnail, attachment.width, attachment.height, attachment.visibility.rawValue,
                        attachment.createdAt.millisecondsSince1970,
                    ])
            } catch  where SQLiteErrors.isForeignKeyViolation(error) {
                throw StoreError.notFound(kind: "ticket", id: attachment.ticket.rawValue)
            } catch let error as DatabaseError where error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw StoreError.duplicate(kind: "attachment", field: "id")
            }
            return .added
        }
    }

    public func attachment(id: AttachmentID) async throws -> Attachment? {
        try await read("attachment") { db in
            try Row.fetchOne(
                db, sql: "SELECT \(Self.attachmentColumns) FROM attachments WHERE id = ?", arguments: [id.rawValue]
            ).map(Self.attachment)
        }
    }

    public func attachments(ticket: TicketID) async throws -> [Attachment] {
        try await read("attachments") { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.attachmentColumns) FROM attachments WHERE ticket_id = ? ORDER BY id",
                arguments: [ticket.rawValue]
            ).map(Self.attachment)
        }
    }

    public func moveDraftAttachments(
        ticket: TicketID, to comment: CommentID, visibility: Visibility
    ) async throws -> [Attachment] {
        try await write("moveDraftAttachments") { db in
            try db.execute(
                sql: "UPDATE attachments SET comment_id = ?, visibility = ? WHERE ticket_id = ? AND comment_id IS NULL",
                arguments: [comment.rawValue, visibility.rawValue, ticket.rawValue])
            return try Row.fetchAll(
                db, sql: "SELECT \(Self.attachmentColumns) FROM attachments WHERE ticket_id = ? AND comment_id = ? ORDER BY id",
                arguments: [ticket.rawValue, comment.rawValue]
            ).map(Self.attachment)
        }
    }

    public func deleteAttachment(id: AttachmentID) async throws -> Attachment? {
        try await write("deleteAttachment") { db in
            let found = try Row.fetchOne(
                db, sql: "SELECT \(Self.attachmentColumns) FROM attachments WHERE id = ?", arguments: [id.rawValue]
            ).map(Self.attachment)
            try db.execute(sql: "DELETE FROM attachments WHERE id = ?", arguments: [id.rawValue])
            return found
        }
    }

    public func deleteAttachments(ticket: TicketID) async throws {
        try await write("deleteAttachments") { db in
            try db.execute(sql: "DELETE FROM attachments WHERE ticket_id = ?", arguments: [ticket.rawValue])
        }
    }

    public func attachmentAddresses() async throws -> Set<String> {
        try await read("attachmentAddresses") { db in
            Set(
                try String.fetchAll(
                    db, sql: "SELECT sha256 FROM attachments UNION SELECT thumbnail FROM attachments WHERE thumbnail IS NOT NULL")
            )
        }
    }

    static func attachment(_ row: Row) throws -> Attachment {
        let table = "attachments"
        let id: String = try SQLiteRows.column(row, "id", table: table)
        let comment: String? = try SQLiteRows.column(row, "comment_id", table: table, id: id)
        let width: Int64? = try SQLiteRows.column(row, "width", table: table, id: id)
        let height: Int64? = try SQLiteRows.column(row, "height", table: table, id: id)
        return Attachment(
            id: AttachmentID(id), ticket: TicketID(try SQLiteRows.column(row, "ticket_id", table: table, id: id)),
            owner: comment.map { .comment(CommentID($0)) } ?? .draft,
            uploader: UserID(try SQLiteRows.column(row, "uploader", table: table, id: id)),
            name: try SQLiteRows.column(row, "name", table: table, id: id),
            type: try SQLiteRows.column(row, "type", table: table, id: id),
            size: try SQLiteRows.column(row, "size", table: table, id: id),
            sha256: try SQLiteRows.column(row, "sha256", table: table, id: id),
            thumbnail: try SQLiteRows.column(row, "thumbnail", table: table, id: id),
            width: width.map(Int.init), height: height.map(Int.init),
            visibility: try SQLiteRows.enumeration(row, "visibility", table: table, id: id),
            createdAt: try SQLiteRows.timestamp(row, "created_at", table: table, id: id))
    }
}
