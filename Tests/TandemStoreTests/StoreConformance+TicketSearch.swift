// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

/// Full-text search: `TicketFilter.query` and `publicOnly`.
extension StoreConformance {
    static func ticketSearch(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let customer = fixtures.user(role: .customer)
        let agent = fixtures.user()
        var printer = fixtures.ticket(
            subject: "Printer jammed", description: "The zebra model prints blank pages.", requester: customer.id)
        printer.comments = [
            fixtures.comment(author: agent.id, body: "Have you tried turning it off?", visibility: .public),
            fixtures.comment(author: agent.id, body: "Escalate to the quokka team.", visibility: .internal),
        ]
        printer.internalNotes = "Customer is a xylophone collector."
        var login = fixtures.ticket(
            subject: "Login trouble", description: "The password reset email never arrives.", requester: customer.id)
        login.internalNotes = "Walrus account; see the printer ticket."
        var other = fixtures.ticket(
            subject: "Refund", description: "Please refund my order.", status: .closed, requester: customer.id)
        other.comments = [fixtures.comment(author: agent.id, body: "Refunded. Walrus!", visibility: .public)]
        for ticket in [printer, login, other] { try await store.createTicket(ticket) }

        func search(
            _ query: String, publicOnly: Bool = false, statuses: Set<TicketStatus>? = nil
        ) async throws
            -> [TicketID]
        {
            let filter = TicketFilter(statuses: statuses, query: query, publicOnly: publicOnly)
            return try await store.listTickets(filter, page: PageRequest(limit: 200)).items.map(\.id)
        }
        // Subject, description and public comments; whole words, prefixes, any case.
        #expect(try await search("jammed") == [printer.id])
        #expect(try await search("zebra") == [printer.id])
        #expect(try await search("turning") == [printer.id])
        #expect(try await search("print") == [printer.id, login.id])
        #expect(try await search("PRINTER") == [printer.id, login.id])
        #expect(try await search("PRINTER", publicOnly: true) == [printer.id])
        // Every word must match, in any column.
        #expect(try await search("password email") == [login.id])
        #expect(try await search("printer zebra turning") == [printer.id])
        #expect(try await search("password zebra") == [])
        #expect(try await search("printer", statuses: [.closed]) == [])
        // Internal notes and comments, unless publicOnly.
        #expect(try await search("xylophone") == [printer.id])
        #expect(try await search("quokka") == [printer.id])
        #expect(try await search("walrus") == [login.id, other.id])
        for query in ["xylophone", "quokka", "printer xylophone", "jammed quokka"] {
            #expect(try await search(query, publicOnly: true) == [], "\(query)")
        }
        #expect(try await search("walrus", publicOnly: true) == [other.id])
        #expect(try await search("refund walrus", publicOnly: true) == [other.id])
        // No words at all: no search condition.
        #expect(try await search("") == [printer.id, login.id, other.id])
        #expect(try await search("  \n ") == [printer.id, login.id, other.id])

        // The index follows the snapshot.
        let ops = [
            fixtures.op(
                .comment(fixtures.comment(author: agent.id, body: "A kangaroo fixed it.", visibility: .public)),
                version: 1, author: agent.id),
            fixtures.op(
                .comment(fixtures.comment(author: agent.id, body: "Bill the wombat.", visibility: .internal)),
                version: 2, author: agent.id),
            fixtures.op(.subject("Printer fixed"), version: 3, author: agent.id),
        ]
        printer = try printer.applying(ops)
        try await store.commit(ticket: printer.id, ops: ops, snapshot: printer)
        #expect(try await search("kangaroo", publicOnly: true) == [printer.id])
        #expect(try await search("wombat") == [printer.id])
        #expect(try await search("wombat", publicOnly: true) == [])
        #expect(try await search("jammed") == [])
        #expect(try await search("fixed", publicOnly: true) == [printer.id])

        // Search pages like any listing.
        let pages = try await collect(limit: 1) {
            try await store.listTickets(TicketFilter(query: "the"), page: $0)
        }
        #expect(pages.items.map(\.id) == [printer.id, login.id])
    }

    static func searchInputIsLiteral(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let alpha = fixtures.ticket(subject: "Alpha report", description: "Nothing nearby.", requester: ada.id)
        let beta = fixtures.ticket(subject: "Beta report", requester: ada.id)
        let either = fixtures.ticket(subject: "Choose alpha or beta", requester: ada.id)
        for ticket in [alpha, beta, either] { try await store.createTicket(ticket) }

        func search(_ query: String) async throws -> [TicketID] {
            try await store.listTickets(TicketFilter(query: query), page: PageRequest()).items.map(\.id)
        }
        // FTS operators are words (or punctuation), never syntax.
        #expect(try await search("alpha OR beta") == [either.id])
        #expect(try await search("-alpha") == [alpha.id, either.id])
        #expect(try await search("alpha -beta") == [either.id])
        #expect(try await search("NOT alpha") == [alpha.id])  // "Nothing" starts with "not"
        #expect(try await search("alpha AND") == [])
        #expect(try await search("NEAR(") == [alpha.id])
        #expect(try await search("NEAR(alpha beta)") == [])
        #expect(try await search("alpha*") == [alpha.id, either.id])
        #expect(try await search("\"alpha") == [alpha.id, either.id])
        #expect(try await search("\"alpha report\"") == [alpha.id])
        #expect(try await search("^report") == [alpha.id, beta.id])
        #expect(try await search("(beta)") == [beta.id, either.id])
        // Nothing but punctuation matches nothing, and never fails.
        for query in [
            "\"", "*", "-", "\"\"\"\"", "NEAR(", "subject:beta", "{subject}:alpha", "alpha:", "'", "\\", "%", "_",
            "(", ")", "+", "^", "alpha\" OR \"beta", "\u{0}", "* OR *", "NEAR(alpha beta, 2)", "col : \"x\"",
            // Control characters inside a word (found by the API fuzzer: a 503 from SQLite).
            "alpha\u{0}beta", "\u{FF}\u{9F}9@\u{B4}\u{0}\u{2}_\u{F8}", "re\u{7}port", "\u{1B}[31mbeta",
        ] {
            _ = try await search(query)
            _ = try await store.listTickets(TicketFilter(query: query, publicOnly: true), page: PageRequest())
        }
        #expect(try await search("\"") == [])
        #expect(try await search("*") == [])
        #expect(try await search("- * ( )") == [])
        // A control character separates words, as in the indexed text.
        #expect(try await search("alpha\u{0}report") == [alpha.id])
    }

    static func searchFoldsCaseAndDiacritics(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let french = fixtures.ticket(subject: "Problème d'accès Élodie", requester: ada.id)
        let japanese = fixtures.ticket(subject: "東京タワー 予約", requester: ada.id)
        let decomposed = fixtures.ticket(subject: "Cafe\u{301} NAÏVE", requester: ada.id)
        for ticket in [french, japanese, decomposed] { try await store.createTicket(ticket) }
        func search(_ query: String) async throws -> [TicketID] {
            try await store.listTickets(TicketFilter(query: query), page: PageRequest()).items.map(\.id)
        }
        #expect(try await search("elodie") == [french.id])
        #expect(try await search("ÉLO") == [french.id])
        #expect(try await search("probleme acces") == [french.id])
        #expect(try await search("東京") == [japanese.id])
        #expect(try await search("予約") == [japanese.id])
        #expect(try await search("café naive") == [decomposed.id])
        #expect(try await search("CAFE\u{301}") == [decomposed.id])
    }
}
