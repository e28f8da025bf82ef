// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

/// Snapshots and the op log.
extension StoreConformance {
    static func ticketRoundTrip(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let customer = fixtures.user(name: "Zoë 😀", role: .customer)
        let agent = fixtures.user(name: "東京 Agent")
        let team = fixtures.team(name: "Première ligne")
        try await store.createUser(customer)
        try await store.createUser(agent)
        try await store.createTeam(team)

        // Emoji (with ZWJ and skin tone), decomposed and precomposed accents, CJK,
        // right-to-left text and a NUL, in every text; a description of about 1 MB.
        let unit = "Ünïcödé e\u{301} 😀👩🏽‍💻 東京タワー 한국어 مرحبا Ωμέγα\u{0} "
        var ticket = fixtures.ticket(
            subject: "Cafe\u{301} naïve 😀 東京 — ￼ ¿Qué?",
            description: String(repeating: unit, count: 1_000_000 / unit.utf8.count),
            status: .open, priority: .high, requester: customer.id, team: team.id, assignee: agent.id,
            tags: ["vip", "größe", "e\u{301}té", "東京"]
        )
        ticket.internalNotes = "Note interne: ne\u{301}e 🙈 社内"
        ticket.replyDraft = "Bonjour Zoë, 👋"
        ticket.comments = [
            fixtures.comment(author: customer.id, body: "Ça ne marche pas 😡 e\u{301}", visibility: .public),
            fixtures.comment(
                author: agent.id, body: "@東京 look\n\ttabs", visibility: .internal, mentions: [agent.id]),
        ]
        ticket.history = [
            HistoryEntry(version: 0, actor: customer.id, at: ticket.createdAt, field: "created", isPublic: true),
            HistoryEntry(
                version: 0, actor: agent.id, at: ticket.createdAt, field: "assignee", from: nil, to: "東京",
                isPublic: false),
        ]
        ticket.firstResponseAt = fixtures.advance()
        ticket.solvedAt = nil
        try await store.createTicket(ticket)

        let loaded = try #require(try await store.loadTicket(id: ticket.id))
        #expect(loaded.snapshot == ticket)
        #expect(loaded.ops.isEmpty)
        // `==` on String is canonical equivalence: check that no text was normalized.
        let snapshot = loaded.snapshot
        #expect(snapshot.subject.unicodeScalars.elementsEqual(ticket.subject.unicodeScalars))
        #expect(snapshot.description.scalars == ticket.description.scalars)
        #expect(snapshot.internalNotes.scalars == ticket.internalNotes.scalars)
        #expect(
            snapshot.comments.map { Array($0.body.unicodeScalars) }
                == ticket.comments.map { Array($0.body.unicodeScalars) })
        #expect(
            snapshot.tags.map { Array($0.unicodeScalars) }.sorted(by: lexicographic)
                == ticket.tags.map { Array($0.unicodeScalars) }.sorted(by: lexicographic))

        #expect(try await store.loadTicket(id: TicketID("tkt_missing")) == nil)
        #expect(try await store.countTickets() == 1)
        #expect(try await store.listTickets(TicketFilter(), page: PageRequest()).items == [ticket.summary])

        await #expect(throws: StoreError.duplicate(kind: "ticket", field: "id")) {
            var again = ticket
            again.subject = "Another"
            try await store.createTicket(again)
        }
        #expect(try await store.loadTicket(id: ticket.id)?.snapshot == ticket)
        #expect(try await store.countTickets() == 1)
    }

    static func ticketCommits(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let customer = fixtures.user(role: .customer)
        let agent = fixtures.user()
        let created = fixtures.ticket(requester: customer.id)
        try await store.createTicket(created)

        // Ops without a snapshot: the snapshot stays at version 0.
        let first = [
            fixtures.op(.status(.open), version: 1, author: agent.id),
            fixtures.op(
                .text(.description, .inserting(" Urgent! 🔥", at: created.description.count)), version: 2,
                author: customer.id),
            TicketOp(
                version: 3,
                change: .comment(fixtures.comment(author: agent.id, body: "On it 👍", visibility: .public)),
                author: agent.id, at: fixtures.advance(), client: nil, seq: nil),
        ]
        try await store.commit(ticket: created.id, ops: first, snapshot: nil)
        var loaded = try #require(try await store.loadTicket(id: created.id))
        #expect(loaded.snapshot == created)
        #expect(loaded.ops == first)
        let v3 = try created.applying(first)
        #expect(try loaded.snapshot.applying(loaded.ops) == v3)

        // An op with the snapshot it produced.
        let fourth = fixtures.op(.priority(.urgent), version: 4, author: agent.id)
        let v4 = try v3.applying([fourth])
        try await store.commit(ticket: created.id, ops: [fourth], snapshot: v4)
        loaded = try #require(try await store.loadTicket(id: created.id))
        #expect(loaded.snapshot == v4)
        #expect(loaded.ops.isEmpty)
        #expect(try await store.ops(ticket: created.id, after: 3, through: 4) == [fourth])

        // A batch whose snapshot is taken in its middle.
        let batch = [
            fixtures.op(.tags(try TagOperation(adding: ["billing"])), version: 5, author: agent.id),
            fixtures.op(.assignee(agent.id), version: 6, author: agent.id),
        ]
        let v5 = try v4.applying([batch[0]])
        try await store.commit(ticket: created.id, ops: batch, snapshot: v5)
        loaded = try #require(try await store.loadTicket(id: created.id))
        #expect(loaded.snapshot == v5)
        #expect(loaded.ops == [batch[1]])

        // A snapshot alone catches up with the log.
        let v6 = try v5.applying([batch[1]])
        try await store.commit(ticket: created.id, ops: [], snapshot: v6)
        loaded = try #require(try await store.loadTicket(id: created.id))
        #expect(loaded.snapshot == v6)
        #expect(loaded.ops.isEmpty)
        #expect(try await store.listTickets(TicketFilter(), page: PageRequest()).items == [v6.summary])

        // Nothing to commit is a no-op.
        try await store.commit(ticket: created.id, ops: [], snapshot: nil)
        #expect(try await store.loadTicket(id: created.id)?.snapshot == v6)

        let stray = fixtures.op(.status(.open), version: 1, author: agent.id)
        await #expect(throws: StoreError.notFound(kind: "ticket", id: "tkt_missing")) {
            try await store.commit(ticket: TicketID("tkt_missing"), ops: [stray], snapshot: nil)
        }
        #expect(try await store.loadTicket(id: TicketID("tkt_missing")) == nil)
    }

    static func versionConflicts(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user(name: "Ada")
        let bob = fixtures.user(name: "Bob")
        let ticket = fixtures.ticket(requester: ada.id)
        try await store.createTicket(ticket)
        let id = ticket.id.rawValue

        let adas = fixtures.op(.priority(.high), version: 1, author: ada.id)
        let bobs = fixtures.op(.priority(.low), version: 1, author: bob.id)
        try await store.commit(ticket: ticket.id, ops: [adas], snapshot: nil)
        await #expect(throws: StoreError.versionConflict(kind: "ticket", id: id, version: 1)) {
            try await store.commit(ticket: ticket.id, ops: [bobs], snapshot: nil)
        }
        #expect(try await store.loadTicket(id: ticket.id)?.ops == [adas])

        // A conflicting commit writes none of its ops.
        let two = fixtures.op(.status(.open), version: 2, author: ada.id)
        try await store.commit(ticket: ticket.id, ops: [two], snapshot: nil)
        let late = [
            fixtures.op(.status(.pending), version: 2, author: bob.id),
            fixtures.op(.status(.open), version: 3, author: bob.id),
        ]
        await #expect(throws: StoreError.versionConflict(kind: "ticket", id: id, version: 2)) {
            try await store.commit(ticket: ticket.id, ops: late, snapshot: try ticket.applying([adas, two]))
        }
        #expect(try await store.loadTicket(id: ticket.id)?.ops == [adas, two])
        #expect(try await store.loadTicket(id: ticket.id)?.snapshot == ticket)

        // A snapshot ahead of the log is refused, and so are the ops committed with it.
        let three = fixtures.op(.priority(.urgent), version: 3, author: ada.id)
        var ahead = try ticket.applying([adas, two, three])
        ahead.version = 4
        await #expect(throws: StoreError.versionConflict(kind: "ticket", id: id, version: 4)) {
            try await store.commit(ticket: ticket.id, ops: [three], snapshot: ahead)
        }
        #expect(try await store.ops(ticket: ticket.id, after: 0, through: 10) == [adas, two])
        #expect(try await store.loadTicket(id: ticket.id)?.snapshot == ticket)
    }

    static func concurrentCommits(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user(name: "Ada")
        let bob = fixtures.user(name: "Bob")
        let ticket = fixtures.ticket(requester: ada.id)
        try await store.createTicket(ticket)

        var winners: [TicketOp] = []
        for version in Int64(1)...8 {
            let contenders = [
                fixtures.op(.subject("Ada's \(version)"), version: version, author: ada.id),
                fixtures.op(.subject("Bob's \(version)"), version: version, author: bob.id),
            ]
            let outcomes = await withTaskGroup(of: (TicketOp, (any Error)?).self) { group in
                for op in contenders {
                    group.addTask {
                        do {
                            try await store.commit(ticket: ticket.id, ops: [op], snapshot: nil)
                            return (op, nil)
                        } catch {
                            return (op, error)
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let won = outcomes.filter { $0.1 == nil }.map(\.0)
            let errors = outcomes.compactMap { $0.1 as? StoreError }
            try #require(won.count == 1, "version \(version): \(outcomes.map { String(describing: $0.1) })")
            #expect(errors == [.versionConflict(kind: "ticket", id: ticket.id.rawValue, version: version)])
            winners += won
        }
        let loaded = try #require(try await store.loadTicket(id: ticket.id))
        #expect(loaded.ops == winners)
    }

    static func nonContiguousOps(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let ticket = fixtures.ticket(requester: ada.id)
        try await store.createTicket(ticket)
        let id = ticket.id.rawValue
        func op(_ version: Int64) -> TicketOp {
            fixtures.op(.priority(version.isMultiple(of: 2) ? .high : .low), version: version, author: ada.id)
        }

        for (ops, refused) in [([op(2)], Int64(2)), ([op(0)], 0), ([op(1), op(3)], 3), ([op(1), op(1)], 1)] {
            await #expect(throws: StoreError.versionConflict(kind: "ticket", id: id, version: refused)) {
                try await store.commit(ticket: ticket.id, ops: ops, snapshot: nil)
            }
        }
        #expect(try await store.loadTicket(id: ticket.id)?.ops == [])

        let accepted = [op(1), op(2)]
        try await store.commit(ticket: ticket.id, ops: accepted, snapshot: nil)
        for (ops, refused) in [([op(2)], Int64(2)), ([op(4)], 4), ([op(3), op(5)], 5)] {
            await #expect(throws: StoreError.versionConflict(kind: "ticket", id: id, version: refused)) {
                try await store.commit(ticket: ticket.id, ops: ops, snapshot: nil)
            }
        }
        #expect(try await store.loadTicket(id: ticket.id)?.ops == accepted)
    }

    static func opsRange(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let ticket = fixtures.ticket(requester: ada.id, tags: [])
        try await store.createTicket(ticket)
        let ops = (Int64(1)...10).map { version in
            fixtures.op(.text(.internalNotes, .inserting("\(version);", at: 0)), version: version, author: ada.id)
        }
        for batch in [ops[0..<3], ops[3..<6], ops[6..<10]] {
            try await store.commit(ticket: ticket.id, ops: Array(batch), snapshot: nil)
        }
        #expect(try await store.ops(ticket: ticket.id, after: 0, through: 10) == ops)
        #expect(try await store.ops(ticket: ticket.id, after: 3, through: 6) == Array(ops[3..<6]))
        #expect(try await store.ops(ticket: ticket.id, after: 9, through: 10) == [ops[9]])
        #expect(try await store.ops(ticket: ticket.id, after: 8, through: 99) == Array(ops[8...]))
        #expect(try await store.ops(ticket: ticket.id, after: 5, through: 5) == [])
        #expect(try await store.ops(ticket: ticket.id, after: 6, through: 3) == [])
        #expect(try await store.ops(ticket: ticket.id, after: 10, through: 20) == [])
        #expect(try await store.ops(ticket: TicketID("tkt_missing"), after: 0, through: 10) == [])
        let replayed = try #require(try await store.loadTicket(id: ticket.id))
        #expect(try replayed.snapshot.applying(replayed.ops).internalNotes == "10;9;8;7;6;5;4;3;2;1;")
    }

    private static func lexicographic(_ lhs: [Unicode.Scalar], _ rhs: [Unicode.Scalar]) -> Bool {
        lhs.lexicographicallyPrecedes(rhs) { $0.value < $1.value }
    }
}
