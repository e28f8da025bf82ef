// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// The `WHERE` clause of a ticket listing (table alias `t`), built from a ``TicketFilter``.
/// Every value is a bound argument; only fixed SQL is spliced in.
struct SQLiteTicketQuery {
    private(set) var conditions: [String] = []
    private(set) var arguments: [DatabaseValue] = []

    /// The query for `filter`, or `nil` when nothing can match (an empty status set,
    /// or a search text without a single word).
    init?(_ filter: TicketFilter) {
        if let statuses = filter.statuses {
            guard !statuses.isEmpty else { return nil }
            add(in: "t.status", statuses.map(\.rawValue).sorted())
        }
        if let priority = filter.priority {
            add("t.priority = ?", priority.rawValue)
        }
        if let requester = filter.requester {
            add("t.requester_id = ?", requester.rawValue)
        }
        if let team = filter.team {
            add("t.team_id = ?", team.rawValue)
        }
        if let visible = filter.visibleTeams {
            if visible.isEmpty {
                conditions.append("t.team_id IS NULL")
            } else {
                let ids = visible.map(\.rawValue).sorted()
                conditions.append("(t.team_id IN (\(SQLiteStore.placeholders(ids.count))) OR t.team_id IS NULL)")
                arguments += ids.map(\.databaseValue)
            }
        }
        switch filter.assignee {
        case .none: break
        case .some(.none): conditions.append("t.assignee_id IS NULL")
        case .some(.some(let assignee)): add("t.assignee_id = ?", assignee.rawValue)
        }
        if let tag = filter.tag {
            add("t.id IN (SELECT tt.ticket_id FROM ticket_tags AS tt WHERE tt.tag = ?)", tag)
        }
        if let text = filter.query, !text.allSatisfy(\.isWhitespace) {
            guard let match = SQLiteTicketSearch.matchExpression(text, publicOnly: filter.publicOnly) else {
                return nil
            }
            let search = "t.key IN (SELECT rowid FROM ticket_search WHERE ticket_search MATCH ?)"
            if let number = TicketNumberQuery.number(in: text) {
                conditions.append("(t.number = ? OR \(search))")
                arguments += [number.databaseValue, match.databaseValue]
            } else {
                add(search, match)
            }
        }
    }

    /// `WHERE …`, or nothing when there is no condition.
    var whereClause: String {
        conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
    }

    /// Adds a condition with one `?`.
    mutating func add(_ condition: String, _ value: some DatabaseValueConvertible) {
        conditions.append(condition)
        arguments.append(value.databaseValue)
    }

    private mutating func add(in column: String, _ values: [String]) {
        conditions.append("\(column) IN (\(SQLiteStore.placeholders(values.count)))")
        arguments += values.map(\.databaseValue)
    }
}
