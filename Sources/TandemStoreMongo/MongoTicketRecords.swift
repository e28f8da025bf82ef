// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// Tickets and operations as documents, and back.
///
/// A ticket document holds the whole snapshot (`snapshot`, the Codable
/// ``Ticket`` as BSON) and, beside it, copies of its queue-level facts and its
/// search terms for the indexes. `team` and `assignee` are `""` for none.
enum MongoTicketRecords {
    /// Fields a listing needs: everything but the snapshot and the terms.
    static let summaryProjection: BSONDocument = ["_id": 0, "snapshot": 0, "publicTerms": 0, "internalTerms": 0]

    static func document(_ ticket: Ticket) throws -> BSONDocument {
        let snapshot = try MongoCoding.encode(ticket, what: "ticket \(ticket.id)")
        // A snapshot too large on its own is refused before its terms are computed.
        try MongoStore.checkSize(["snapshot": snapshot], kind: "ticket", id: ticket.id.rawValue)
        let terms = MongoSearch.terms(of: ticket)
        let document: BSONDocument = [
            "key": .string(ticket.id.rawValue),
            "number": .int64(ticket.number),
            "version": .int64(ticket.version),
            "subject": .string(ticket.subject),
            "status": .string(ticket.status.rawValue),
            "open": .bool(ticket.status != .closed),
            "priority": .string(ticket.priority.rawValue),
            "requester": .string(ticket.requester.rawValue),
            "team": .string(ticket.team?.rawValue ?? ""),
            "assignee": .string(ticket.assignee?.rawValue ?? ""),
            "tags": .strings(ticket.tags.sorted()),
            "createdAt": .int64(ticket.createdAt.millisecondsSince1970),
            "updatedAt": .int64(ticket.updatedAt.millisecondsSince1970),
            "firstResponseAt": .int64(ticket.firstResponseAt?.millisecondsSince1970),
            "solvedAt": .int64(ticket.solvedAt?.millisecondsSince1970),
            // Compared by the due-replies sweep, so never null: 0 when no reply waits.
            "replyDueAt": .int64(ticket.nextReplyDue?.millisecondsSince1970 ?? 0),
            "publicTerms": .strings(terms.public),
            "internalTerms": .strings(terms.internal),
            "snapshot": snapshot,
        ]
        try MongoStore.checkSize(document, kind: "ticket", id: ticket.id.rawValue)
        return document
    }

    static func summary(_ document: BSONDocument) throws -> TicketSummary {
        let fields = MongoFields(document, collection: MongoSchema.tickets)
        return TicketSummary(
            id: TicketID(try fields.string("key")), number: try fields.int64("number"),
            version: try fields.int64("version"),
            subject: try fields.string("subject"), status: try fields.enumeration("status"),
            priority: try fields.enumeration("priority"), requester: UserID(try fields.string("requester")),
            team: try fields.optionalKey("team").map(TeamID.init),
            assignee: try fields.optionalKey("assignee").map(UserID.init),
            tags: Set(try fields.strings("tags")), createdAt: try fields.timestamp("createdAt"),
            updatedAt: try fields.timestamp("updatedAt"), firstResponseAt: try fields.optionalTimestamp("firstResponseAt"),
            solvedAt: try fields.optionalTimestamp("solvedAt"))
    }

    /// The snapshot of a ticket document, checked against its `id` and `version`.
    static func snapshot(_ document: BSONDocument) throws -> Ticket {
        let fields = MongoFields(document, collection: MongoSchema.tickets)
        let id = try fields.string("key")
        let version = try fields.int64("version")
        let ticket = try fields.decode(Ticket.self, "snapshot")
        guard ticket.id.rawValue == id, ticket.version == version else {
            throw StoreError.corrupt(
                "tickets.snapshot of \(id) holds \(ticket.id.rawValue) at version \(ticket.version), not version \(version)")
        }
        return ticket
    }

    static func document(_ op: TicketOp, ticket: TicketID) throws -> BSONDocument {
        let document: BSONDocument = [
            "ticket": .string(ticket.rawValue),
            "version": .int64(op.version),
            "change": try MongoCoding.encode(op.change, what: "op \(op.version) of ticket \(ticket)"),
            "author": .string(op.author.rawValue),
            "at": .int64(op.at.millisecondsSince1970),
            "client": .string(op.client),
            "seq": .int64(op.seq),
        ]
        try MongoStore.checkSize(document, kind: "ticketOp", id: "\(ticket.rawValue)@\(op.version)")
        return document
    }

    static func op(_ document: BSONDocument) throws -> TicketOp {
        let fields = MongoFields(document, collection: MongoSchema.ticketOps)
        return TicketOp(
            version: try fields.int64("version"), change: try fields.decode(TicketChange.self, "change"),
            author: UserID(try fields.string("author")), at: try fields.timestamp("at"),
            client: try fields.optionalString("client"), seq: try fields.optionalInt64("seq"))
    }
}
