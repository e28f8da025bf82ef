// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// The ``AttachmentStore`` requirements of ``TandemStore``.
extension MongoStore {
    var attachments: MongoCollection { client.collection(MongoSchema.attachments, database: database) }

    /// GridFS storage in this store's database, for clusters (every node serves every file).
    public var gridFSAttachmentStorage: GridFSAttachmentStorage { GridFSAttachmentStorage(client: client, database: database) }

    /// The quota is summed, then the record inserted: two uploads to one ticket at the same
    /// moment can each pass the check, so a ticket may exceed its quota by at most the uploads
    /// racing it (MongoDB has no multi-document constraint short of a transaction, which the
    /// test server does not isolate). The size limit per file still holds.
    public func addAttachment(_ attachment: Attachment, ticketQuota: Int64) async throws -> AttachmentAdmission {
        try await perform("addAttachment") {
            guard try await tickets.findOne(["key": .string(attachment.ticket.rawValue)], projection: ["_id": 1]) != nil
            else { throw StoreError.notFound(kind: "ticket", id: attachment.ticket.rawValue) }
            let used = try await attachments.find(
                ["ticket": .string(attachment.ticket.rawValue)], options: MongoFindOptions(projection: ["size": 1])
            ).reduce(Int64(0)) { $0 + ($1["size"]?.int64Value ?? 0) }
            guard used + attachment.size <= ticketQuota else { return .overQuota(used: used) }
            do {
                try await attachments.insertOne(Self.document(attachment))
            } catch let error as MongoError where error.kind == .duplicateKey {
                throw StoreError.duplicate(kind: "attachment", field: "id")
            }
            return .added
        }
    }

    public func attachment(id: AttachmentID) async throws -> Attachment? {
        try await perform("attachment") {
            try await attachments.findOne(["key": .string(id.rawValue)], projection: MongoRecords.withoutObjectID)
                .map(Self.attachment)
        }
    }

    public func attachments(ticket: TicketID) async throws -> [Attachment] {
        try await perform("attachments") {
            try await attachments.find(
                ["ticket": .string(ticket.rawValue)],
                options: MongoFindOptions(sort: ["key": 1], projection: MongoRecords.withoutObjectID)
            ).map(Self.attachment)
        }
    }

    public func moveDraftAttachments(
        ticket: TicketID, to comment: CommentID, visibility: Visibility
    ) async throws -> [Attachment] {
        try await perform("moveDraftAttachments") {
            try await attachments.updateMany(
                ["ticket": .string(ticket.rawValue), "comment": .null],
                ["$set": ["comment": .string(comment.rawValue), "visibility": .string(visibility.rawValue)]])
            return try await attachments.find(
                ["ticket": .string(ticket.rawValue), "comment": .string(comment.rawValue)],
                options: MongoFindOptions(sort: ["key": 1], projection: MongoRecords.withoutObjectID)
            ).map(Self.attachment)
        }
    }

    public func deleteAttachment(id: AttachmentID) async throws -> Attachment? {
        try await perform("deleteAttachment") {
            guard
                let found = try await attachments.findOne(["key": .string(id.rawValue)], projection: MongoRecords.withoutObjectID)
            else { return nil }
            try await attachments.deleteMany(["key": .string(id.rawValue)])
            return try Self.attachment(found)
        }
    }

    public func deleteAttachments(ticket: TicketID) async throws {
        try await perform("deleteAttachments") {
            _ = try await attachments.deleteMany(["ticket": .string(ticket.rawValue)])
        }
    }

    public func attachmentAddresses() async throws -> Set<String> {
        try await perform("attachmentAddresses") {
            var addresses: Set<String> = []
            for document in try await attachments.find(
                [:], options: MongoFindOptions(projection: ["_id": 0, "sha256": 1, "thumbnail": 1]))
            {
                if let sha = document["sha256"]?.stringValue { addresses.insert(sha) }
                if let thumbnail = document["thumbnail"]?.stringValue { addresses.insert(thumbnail) }
            }
            return addresses
        }
    }

    static func document(_ attachment: Attachment) -> BSONDocument {
        [
            "key": .string(attachment.id.rawValue),
            "ticket": .string(attachment.ticket.rawValue),
            "comment": attachment.owner.comment.map { .string($0.rawValue) } ?? .null,
            "uploader": .string(attachment.uploader.rawValue),
            "name": .string(attachment.name),
            "type": .string(attachment.type),
            "size": .int64(attachment.size),
            "sha256": .string(attachment.sha256),
            "thumbnail": attachment.thumbnail.map { .string($0) } ?? .null,
            "width": attachment.width.map { .int64(Int64($0)) } ?? .null,
            "height": attachment.height.map { .int64(Int64($0)) } ?? .null,
            "visibility": .string(attachment.visibility.rawValue),
            "createdAt": .int64(attachment.createdAt.millisecondsSince1970),
        ]
    }

    static func attachment(_ document: BSONDocument) throws -> Attachment {
        let fields = MongoFields(document, collection: MongoSchema.attachments)
        return Attachment(
            id: AttachmentID(try fields.string("key")), ticket: TicketID(try fields.string("ticket")),
            owner: try fields.optionalString("comment").map { .comment(CommentID($0)) } ?? .draft,
            uploader: UserID(try fields.string("uploader")), name: try fields.string("name"), type: try fields.string("type"),
            size: try fields.int64("size"), sha256: try fields.string("sha256"),
            thumbnail: try fields.optionalString("thumbnail"),
            width: try fields.optionalInt64("width").map(Int.init), height: try fields.optionalInt64("height").map(Int.init),
            visibility: try fields.enumeration("visibility"), createdAt: try fields.timestamp("createdAt"))
    }
}
