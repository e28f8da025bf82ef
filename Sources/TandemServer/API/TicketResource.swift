// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemActors
import TandemCore

/// A ticket as the REST API shows it to one audience.
struct TicketResource: ResponseEncodable, Sendable {
    var ticket: TicketView

    init(_ view: TicketView) { ticket = view }

    func encode(to encoder: any Encoder) throws { try ticket.encode(to: encoder) }
}

/// A ticket in a list.
struct TicketSummaryResource: Encodable, Sendable {
    var id: String
    var number: Int64
    var version: Int64
    var subject: String
    var status: TicketStatus
    var priority: TicketPriority
    var requester: String
    var team: String?
    var assignee: String?
    var tags: [String]?
    var createdAt: String
    var updatedAt: String

    init(_ summary: TicketSummary, audience: Audience) {
        let staff = audience == .staff
        id = summary.id.rawValue
        number = summary.number
        version = summary.version
        subject = summary.subject
        status = summary.status
        priority = summary.priority
        requester = summary.requester.rawValue
        team = staff ? summary.team?.rawValue : nil
        assignee = staff ? summary.assignee?.rawValue : nil
        tags = staff ? summary.tags.sorted() : nil
        createdAt = summary.createdAt.iso8601
        updatedAt = summary.updatedAt.iso8601
    }
}

/// One history line.
struct HistoryResource: Encodable, Sendable {
    var version: Int64
    var actor: String
    var at: String
    var field: String
    var from: String?
    var to: String?

    init(_ entry: HistoryEntry) {
        version = entry.version
        actor = entry.actor.rawValue
        at = entry.at.iso8601
        field = entry.field
        from = entry.from
        to = entry.to
    }
}
