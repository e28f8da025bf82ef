// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import TandemCore
import TandemStore

/// Everything written to the `tickets`, `ticket_tags` and `ticket_search` rows
/// of one snapshot, encoded ahead of the write transaction so that the writer
/// connection is held only for SQL.
struct TicketRecord: Sendable {
    var id: String
    /// 0 until ``SQLiteTicketNumbers`` assigns one.
    var number: Int64
    var version: Int64
    var subject: String
    var status: String
    var priority: String
    var requester: String
    var team: String?
    var assignee: String?
    /// Sorted, for a stable JSON column.
    var tags: [String]
    var tagsJSON: String
    var createdAt: Int64
    var updatedAt: Int64
    var firstResponseAt: Int64?
    var solvedAt: Int64?
    /// When the earliest pending reply is due; `nil` when none waits.
    var replyDueAt: Int64?
    var snapshotJSON: String
    var search: TicketSearchDocument

    init(_ ticket: Ticket) throws {
        id = ticket.id.rawValue
        number = ticket.number
        version = ticket.version
        subject = ticket.subject
        status = ticket.status.rawValue
        priority = ticket.priority.rawValue
        requester = ticket.requester.rawValue
        team = ticket.team?.rawValue
        assignee = ticket.assignee?.rawValue
        tags = ticket.tags.sorted()
        tagsJSON = try SQLiteJSON.encode(tags, what: "the tags of ticket \(id)")
        createdAt = ticket.createdAt.millisecondsSince1970
        updatedAt = ticket.updatedAt.millisecondsSince1970
        firstResponseAt = ticket.firstResponseAt?.millisecondsSince1970
        solvedAt = ticket.solvedAt?.millisecondsSince1970
        replyDueAt = ticket.nextReplyDue?.millisecondsSince1970
        snapshotJSON = try SQLiteJSON.encode(ticket, what: "ticket \(id)")
        search = TicketSearchDocument(ticket)
    }

    /// The values of ``SQLiteTicketRows/dataColumns``, in order.
    var dataArguments: StatementArguments {
        [
            version, subject, status, priority, requester, team, assignee, tagsJSON, createdAt, updatedAt,
            firstResponseAt, solvedAt, snapshotJSON, replyDueAt, number,
        ]
    }
}

/// Reads tickets and ops out of rows; anything that does not decode is
/// ``StoreError/corrupt(_:)``, naming the table, column and row.
enum SQLiteTicketRows {
    /// The columns a ``TicketRecord`` writes besides `id`, in the order of ``TicketRecord/dataArguments``.
    static let dataColumns = """
        version, subject, status, priority, requester_id, team_id, assignee_id, tags, created_at, updated_at, \
        first_response_at, solved_at, snapshot, reply_due_at, number
        """
    static let dataColumnCount = 15
    static let summaryColumns = """
        id, number, version, subject, status, priority, requester_id, team_id, assignee_id, tags, created_at, updated_at, \
        first_response_at, solved_at
        """
    static let opColumns = "version, op, author, at, client, seq"

    /// A row of ``summaryColumns``.
    static func summary(_ row: Row) throws -> TicketSummary {
        let id: String = try SQLiteRows.column(row, "id", table: "tickets")
        let team: String? = try SQLiteRows.column(row, "team_id", table: "tickets", id: id)
        let assignee: String? = try SQLiteRows.column(row, "assignee_id", table: "tickets", id: id)
        let tags: [String] = try SQLiteJSON.decode(
            try SQLiteRows.column(row, "tags", table: "tickets", id: id), where: "tickets.tags of \(id)")
        return TicketSummary(
            id: TicketID(id),
            number: try SQLiteRows.column(row, "number", table: "tickets", id: id),
            version: try SQLiteRows.column(row, "version", table: "tickets", id: id),
            subject: try SQLiteRows.column(row, "subject", table: "tickets", id: id),
            status: try SQLiteRows.enumeration(row, "status", table: "tickets", id: id),
            priority: try SQLiteRows.enumeration(row, "priority", table: "tickets", id: id),
            requester: UserID(try SQLiteRows.column(row, "requester_id", table: "tickets", id: id)),
            team: team.map(TeamID.init),
            assignee: assignee.map(UserID.init),
            tags: Set(tags),
            createdAt: try SQLiteRows.timestamp(row, "created_at", table: "tickets", id: id),
            updatedAt: try SQLiteRows.timestamp(row, "updated_at", table: "tickets", id: id),
            firstResponseAt: try optionalTimestamp(row, "first_response_at", id: id),
            solvedAt: try optionalTimestamp(row, "solved_at", id: id)
        )
    }

    /// The snapshot in a row of `id, version, snapshot`, checked against its columns.
    static func snapshot(_ row: Row) throws -> Ticket {
        let id: String = try SQLiteRows.column(row, "id", table: "tickets")
        let version: Int64 = try SQLiteRows.column(row, "version", table: "tickets", id: id)
        let json: String = try SQLiteRows.column(row, "snapshot", table: "tickets", id: id)
        let ticket: Ticket = try SQLiteJSON.decode(json, where: "tickets.snapshot of \(id)")
        guard ticket.id.rawValue == id, ticket.version == version else {
            throw StoreError.corrupt(
                "tickets.snapshot of \(id) holds \(ticket.id.rawValue) at version \(ticket.version), "
                    + "not version \(version)")
        }
        return ticket
    }

    /// A row of ``opColumns`` of ticket `id`.
    static func op(_ row: Row, ticket id: String) throws -> TicketOp {
        let version: Int64 = try SQLiteRows.column(row, "version", table: "ticket_ops", id: id)
        let key = "\(id)@\(version)"
        let json: String = try SQLiteRows.column(row, "op", table: "ticket_ops", id: key)
        return TicketOp(
            version: version,
            change: try SQLiteJSON.decode(json, where: "ticket_ops.op of \(key)"),
            author: UserID(try SQLiteRows.column(row, "author", table: "ticket_ops", id: key)),
            at: try SQLiteRows.timestamp(row, "at", table: "ticket_ops", id: key),
            client: try SQLiteRows.column(row, "client", table: "ticket_ops", id: key),
            seq: try SQLiteRows.column(row, "seq", table: "ticket_ops", id: key)
        )
    }

    private static func optionalTimestamp(_ row: Row, _ name: String, id: String) throws -> Timestamp? {
        let millis: Int64? = try SQLiteRows.column(row, name, table: "tickets", id: id)
        return millis.map(Timestamp.init(millisecondsSince1970:))
    }
}

/// JSON columns: UTF-8 text, so that the `sqlite3` shell and its JSON functions can read them.
enum SQLiteJSON {
    /// - Throws: ``StoreError/corrupt(_:)`` naming `what` (a domain value that does not encode
    ///   cannot be stored faithfully).
    static func encode(_ value: some Encodable, what: @autoclosure () -> String) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        do {
            return String(decoding: try encoder.encode(value), as: UTF8.self)
        } catch {
            throw StoreError.corrupt("cannot encode \(what()): \(error)")
        }
    }

    /// - Throws: ``StoreError/corrupt(_:)`` naming the column and row (`place`).
    static func decode<Value: Decodable>(_ json: String, where place: @autoclosure () -> String) throws -> Value {
        do {
            return try JSONDecoder().decode(Value.self, from: Data(json.utf8))
        } catch {
            throw StoreError.corrupt("\(place()) does not decode as \(Value.self): \(error)")
        }
    }
}
