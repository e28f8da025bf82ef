// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// The text of one ticket in the `ticket_search` FTS5 table.
///
/// Public columns hold what the customer sees (subject, description, public
/// replies); the others hold what only agents see (internal notes and
/// comments). The reply draft is not indexed: it is work in progress.
struct TicketSearchDocument: Sendable, Hashable {
    var subject: String
    var description: String
    var publicComments: String
    var internalNotes: String
    var internalComments: String

    init(_ ticket: Ticket) {
        subject = ticket.subject
        description = ticket.description.string
        publicComments = Self.join(ticket.comments, .public)
        internalNotes = ticket.internalNotes.string
        internalComments = Self.join(ticket.comments, .internal)
    }

    private static func join(_ comments: [Comment], _ visibility: Visibility) -> String {
        comments.lazy.filter { $0.visibility == visibility }.map(\.body).joined(separator: "\n")
    }
}

/// Writing the search index and turning user input into FTS5 queries.
enum SQLiteTicketSearch {
    /// The columns a customer may search.
    static let publicColumns = "subject description public_comments"

    /// Replaces the index row of the ticket whose `tickets.key` is `key` unless it already holds
    /// exactly `document` (reading the row back is much cheaper than re-indexing its text).
    static func update(_ document: TicketSearchDocument, key: Int64, in db: Database) throws {
        let indexed = try Row.fetchOne(
            db.cachedStatement(
                sql: """
                    SELECT subject, description, public_comments, internal_notes, internal_comments
                    FROM ticket_search WHERE rowid = ?
                    """),
            arguments: [key])
        let columns = [
            document.subject, document.description, document.publicComments, document.internalNotes,
            document.internalComments,
        ]
        // Byte for byte: Swift's `==` would take canonically equivalent text as equal.
        let unchanged =
            indexed.map { row in
                zip(row.databaseValues, columns).allSatisfy { stored, text in
                    if case .string(let stored) = stored.storage { stored.utf8.elementsEqual(text.utf8) } else { false }
                }
            } ?? false
        if !unchanged { try replace(document, key: key, in: db) }
    }

    /// Replaces the index row of the ticket whose `tickets.key` is `key`.
    static func replace(_ document: TicketSearchDocument, key: Int64, in db: Database) throws {
        try db.execute(sql: "DELETE FROM ticket_search WHERE rowid = ?", arguments: [key])
        try db.execute(
            sql: """
                INSERT INTO ticket_search
                    (rowid, subject, description, public_comments, internal_notes, internal_comments)
                VALUES (?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                key, document.subject, document.description, document.publicComments, document.internalNotes,
                document.internalComments,
            ]
        )
    }

    /// An FTS5 `MATCH` expression for `query` treated as plain words: every
    /// word must occur, as a word or a word prefix, in any indexed column (only
    /// the public ones when `publicOnly`). Returns `nil` when `query` holds no
    /// word at all (only spaces or punctuation), which matches nothing.
    ///
    /// Each word is an FTS5 string (quotes doubled), so FTS5 syntax in the
    /// input (`"`, `*`, `OR`, `NEAR(`, `-`, `^`, `:`) is literal text: the
    /// tokenizer splits it like indexed text and drops the punctuation.
    static func matchExpression(_ query: String, publicOnly: Bool) -> String? {
        // Control characters separate words too: the tokenizer does so in the indexed text, and
        // inside an FTS5 string a NUL ends the query early (a syntax error, not a search).
        let words = query.split(whereSeparator: { $0.isWhitespace || Self.isControl($0) }).filter { word in
            // A word with no letter or digit would be an empty phrase, which matches nothing.
            word.unicodeScalars.contains { $0.properties.isAlphabetic || $0.properties.numericType != nil }
        }
        guard !words.isEmpty else { return nil }
        let terms = words.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\"\"") + "\"*" }
        let expression = terms.joined(separator: " AND ")
        return publicOnly ? "{\(publicColumns)} : (\(expression))" : expression
    }

    private static func isControl(_ character: Character) -> Bool {
        character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
