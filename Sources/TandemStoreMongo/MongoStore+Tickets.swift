// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// The ``TicketStore`` requirements of ``TandemStore``.
extension MongoStore {
    /// Inserts a new ticket document (snapshot, queue facts and search terms) with the next
    /// ticket number (``nextTicketNumber()``, taken before the insert: a refused insert leaves
    /// a gap, never a duplicate), or with the number it carries (the counter moves up to it).
    /// - Throws: ``StoreError/duplicate(kind:field:)`` with kind `ticket`, field `id`
    ///   when the id is taken, field `number` when a given number is; ``RecordTooLargeError``
    ///   over 16 MiB.
    @discardableResult
    public func createTicket(_ ticket: Ticket) async throws -> Ticket {
        try await perform("createTicket") {
            var ticket = ticket
            // Encoded (and size-checked) before a number is taken.
            _ = try MongoTicketRecords.document(ticket)
            if ticket.number == 0 {
                ticket.number = try await nextTicketNumber()
            } else {
                try await reserveTicketNumber(ticket.number)
            }
            let document = try MongoTicketRecords.document(ticket)
            do {
                try await tickets.insertOne(document)
            } catch  where isDuplicateKey(error) {
                // The unique index does not say which key it was (servers name indexes their own way).
                let idTaken = try await tickets.findOne(["key": .string(ticket.id.rawValue)], projection: ["_id": 0, "key": 1])
                throw StoreError.duplicate(kind: "ticket", field: idTaken == nil ? "number" : "id")
            }
            return ticket
        }
    }

    /// The latest snapshot and the operations after it, in version order.
    /// - Throws: ``StoreError/corrupt(_:)`` when a document does not decode or the
    ///   operations after the snapshot are not contiguous.
    public func loadTicket(id: TicketID) async throws -> StoredTicket? {
        try await perform("loadTicket") {
            // The snapshot and the log are two reads: a commit in between only adds
            // operations after the snapshot read, but a retention run could remove
            // some, so a gap is read once more before it is called corruption.
            var attempt = 0
            while true {
                attempt += 1
                guard
                    let document = try await tickets.findOne(
                        ["key": .string(id.rawValue)], projection: ["_id": 0, "key": 1, "version": 1, "snapshot": 1])
                else { return nil }
                let snapshot = try MongoTicketRecords.snapshot(document)
                let ops = try await storedOps(id, after: snapshot.version, through: nil)
                if let gap = ops.enumerated().first(where: { $0.element.version != snapshot.version + 1 + Int64($0.offset) }) {
                    if attempt < 2 { continue }
                    throw StoreError.corrupt(
                        "ticketOps of \(id.rawValue) jump to version \(gap.element.version) after snapshot \(snapshot.version)")
                }
                return StoredTicket(snapshot: snapshot, ops: ops)
            }
        }
    }

    /// Appends `ops` and, when given, replaces the snapshot.
    ///
    /// `ops` must continue the log exactly (`head + 1, head + 2, …`, where `head` is
    /// the highest stored version); `snapshot`, when given, must be of this ticket
    /// (anything else traps) and at a version between the stored snapshot's and the
    /// new head. Everything is checked before anything is written.
    ///
    /// The operations are one ordered insert, fenced by the unique index on
    /// `(ticket, version)`: of two writers committing the same version, exactly one
    /// succeeds. The snapshot is written after them, and only over an older one, so a
    /// crash in between leaves an older snapshot and a longer log: still consistent.
    /// MongoDB writes one document atomically, not several: a writer that started
    /// from a head *after* this batch's first operations were inserted can take a
    /// later version of the batch, which then stops there (its first operations stay,
    /// a valid, shorter commit). Writers that started from the same head conflict on
    /// the batch's first operation, and nothing of the loser is written.
    /// - Throws: ``StoreError/versionConflict(kind:id:version:)`` (kind `ticket`) naming
    ///   the first version that does not fit; ``StoreError/notFound(kind:id:)`` when the
    ///   ticket does not exist; ``RecordTooLargeError`` over 16 MiB.
    public func commit(ticket id: TicketID, ops: [TicketOp], snapshot: Ticket?) async throws {
        let commit = TicketCommit(ticket: id, ops: ops, snapshot: snapshot)
        guard !commit.isEmpty else { return }
        try await perform("commitTicket") {
            // Encoded (and size-checked) before anything is written.
            let opDocuments = try ops.map { try MongoTicketRecords.document($0, ticket: id) }
            let record = try snapshot.map(MongoTicketRecords.document)
            guard
                let stored = try await tickets.findOne(["key": .string(id.rawValue)], projection: ["_id": 0, "version": 1])
            else { throw StoreError.notFound(kind: "ticket", id: id.rawValue) }
            let snapshotVersion = try MongoFields(stored, collection: MongoSchema.tickets).int64("version")
            try commit.check(storedVersion: snapshotVersion, lastOpVersion: try await headVersion(id))
            do {
                try await ticketOps.insertMany(opDocuments, ordered: true)
            } catch let error as MongoError where error.kind == .duplicateKey {
                // The fence: another writer committed this version first.
                let refused = ops[min(error.failedIndex ?? 0, ops.count - 1)]
                throw commit.conflict(at: refused.version)
            }
            guard let record, let snapshot else { return }
            // The whole document, never over a newer snapshot (a competing writer's).
            try await tickets.replaceOne(
                ["key": .string(id.rawValue), "version": ["$lte": .int64(snapshot.version)]], record)
        }
    }

    /// Stored operations with `after < version ≤ through`, in version order.
    public func ops(ticket: TicketID, after: Int64, through: Int64) async throws -> [TicketOp] {
        guard through > after else { return [] }
        return try await perform("ticketOps") { try await storedOps(ticket, after: after, through: through) }
    }

    /// Summaries in id order, filtered; see ``TicketFilter``.
    ///
    /// `query` is plain words: a ticket matches when every word starts a word of its
    /// subject, description, public replies, internal notes or internal comments
    /// (only the first three when `publicOnly`). Case and diacritics are ignored;
    /// the reply draft is not searched. `tag` matches exactly.
    public func listTickets(_ filter: TicketFilter, page: PageRequest) async throws -> Page<TicketSummary> {
        let limit = Pagination.clamp(page.limit)
        let after = try Pagination.start(page, listing: "tickets")
        guard var conditions = MongoTicketQuery.conditions(filter) else { return Page(items: [], nextCursor: nil) }
        if let after { conditions.append(["key": ["$gt": .string(after)]]) }
        return try await perform("listTickets") {
            let found = try await tickets.find(
                MongoQuery.and(conditions),
                options: MongoFindOptions(sort: ["key": 1], projection: MongoTicketRecords.summaryProjection, limit: limit + 1))
            return Pagination.page(try found.map(MongoTicketRecords.summary), limit: limit, listing: "tickets") {
                $0.id.rawValue
            }
        }
    }

    /// The summaries of the team's tickets (of the tickets with no team when `team`
    /// is nil) that are not closed, in id order.
    public func openTickets(team: TeamID?) async throws -> [TicketSummary] {
        try await perform("openTickets") {
            try await tickets.find(
                ["open": true, "team": .string(team?.rawValue ?? "")],
                options: MongoFindOptions(sort: ["key": 1], projection: MongoTicketRecords.summaryProjection)
            ).map(MongoTicketRecords.summary)
        }
    }

    /// How many tickets there are, in any status.
    public func countTickets() async throws -> Int {
        try await perform("countTickets") { try await tickets.countDocuments() }
    }

    /// Tickets whose snapshot has a pending reply due at or before `now`, earliest first.
    public func ticketsWithDueReplies(at now: Timestamp, limit: Int) async throws -> [TicketID] {
        guard limit > 0 else { return [] }  // a MongoDB limit of 0 means none
        return try await perform("ticketsWithDueReplies") {
            try await tickets.find(
                ["replyDueAt": ["$gt": .int64(0), "$lte": .int64(now.millisecondsSince1970)]],
                options: MongoFindOptions(sort: ["replyDueAt": 1], projection: ["_id": 0, "key": 1], limit: limit)
            ).map { TicketID(try MongoFields($0, collection: MongoSchema.tickets).string("key")) }
        }
    }

    // MARK: - Op log

    /// The highest stored operation version of a ticket, 0 when it has none.
    func headVersion(_ ticket: TicketID) async throws -> Int64 {
        let last = try await ticketOps.find(
            ["ticket": .string(ticket.rawValue)],
            options: MongoFindOptions(sort: ["version": -1], projection: ["_id": 0, "version": 1], limit: 1))
        return try last.first.map { try MongoFields($0, collection: MongoSchema.ticketOps).int64("version") } ?? 0
    }

    func storedOps(_ ticket: TicketID, after: Int64, through: Int64?) async throws -> [TicketOp] {
        var range: BSONDocument = ["$gt": .int64(after)]
        if let through { range["$lte"] = .int64(through) }
        return try await ticketOps.find(
            ["ticket": .string(ticket.rawValue), "version": .document(range)],
            options: MongoFindOptions(sort: ["version": 1], projection: MongoRecords.withoutObjectID)
        ).map(MongoTicketRecords.op)
    }
}

/// The conditions of a ticket listing, built from a ``TicketFilter``.
enum MongoTicketQuery {
    /// The conditions for `filter`, or `nil` when nothing can match (an empty
    /// status set, or a search text without a single word).
    static func conditions(_ filter: TicketFilter) -> [BSON]? {
        var conditions: [BSON] = []
        if let statuses = filter.statuses {
            guard !statuses.isEmpty else { return nil }
            conditions.append(["status": ["$in": .strings(statuses.map(\.rawValue).sorted())]])
        }
        if let priority = filter.priority {
            conditions.append(["priority": .string(priority.rawValue)])
        }
        if let requester = filter.requester {
            conditions.append(["requester": .string(requester.rawValue)])
        }
        if let team = filter.team {
            conditions.append(["team": .string(team.rawValue)])
        }
        if let visible = filter.visibleTeams {
            // "" is the tickets of no team.
            conditions.append(["team": ["$in": .strings(visible.map(\.rawValue).sorted() + [""])]])
        }
        switch filter.assignee {
        case .none: break
        case .some(.none): conditions.append(["assignee": ""])
        case .some(.some(let assignee)): conditions.append(["assignee": .string(assignee.rawValue)])
        }
        if let tag = filter.tag {
            conditions.append(["tags": .string(tag)])
        }
        if let query = filter.query {
            guard let search = MongoSearch.conditions(query, publicOnly: filter.publicOnly) else { return nil }
            if let number = TicketNumberQuery.number(in: query) {
                conditions.append(["$or": [["number": .int64(number)], .document(MongoQuery.and(search))]])
            } else {
                conditions += search
            }
        }
        return conditions
    }
}
