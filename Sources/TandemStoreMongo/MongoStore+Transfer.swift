// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemCore
import TandemMongo
import TandemStore

/// Export and import of every record (``StoreMaintenance``).
extension MongoStore {
    /// Exports collection after collection, each with one cursor in `key` order.
    ///
    /// Without a multi-document snapshot (standalone servers have none), each
    /// collection is read as it is while its cursor runs: a record changed during
    /// the export appears in its old or its new state. Tickets are read before
    /// their operations, so every exported snapshot is covered by the exported log;
    /// operations of tickets not exported (deleted meanwhile) are left out.
    public func exportRecords(_ sink: @escaping @Sendable (StoreRecord) throws -> Void) async throws -> StoreExportInfo {
        // The sink's own errors pass through the translation unchanged.
        let emit: @Sendable (StoreRecord) throws -> Void = { record in try CallerError.wrap { try sink(record) } }
        return try await perform("exportRecords") {
            let options = MongoFindOptions(sort: ["key": 1], projection: MongoRecords.withoutObjectID, batchSize: 500)
            try await users.forEach(options: options) { try emit(.user(try MongoRecords.user($0))) }
            try await teams.forEach(options: options) { try emit(.team(try MongoRecords.team($0))) }
            try await sessions.forEach(options: options) { try emit(.session(try MongoRecords.session($0))) }
            let exported = Mutex(Set<String>())
            try await tickets.forEach(
                options: MongoFindOptions(
                    sort: ["key": 1], projection: ["_id": 0, "key": 1, "version": 1, "snapshot": 1], batchSize: 100)
            ) { document in
                let ticket = try MongoTicketRecords.snapshot(document)
                exported.withLock { _ = $0.insert(ticket.id.rawValue) }
                try emit(.ticket(ticket))
            }
            try await ticketOps.forEach(
                options: MongoFindOptions(
                    sort: ["ticket": 1, "version": 1], projection: MongoRecords.withoutObjectID, batchSize: 500)
            ) { document in
                let ticket = try MongoFields(document, collection: MongoSchema.ticketOps).string("ticket")
                guard exported.withLock({ $0.contains(ticket) }) else { return }
                try emit(.ticketOp(TicketID(ticket), try MongoTicketRecords.op(document)))
            }
            try await notifications.forEach(options: options) { try emit(.notification(try MongoRecords.notification($0))) }
            return StoreExportInfo(
                store: "mongodb",
                consistency: "per collection: each collection as its cursor read it; tickets before their op log")
        }
    }

    /// Imports in batches. There is no transaction across them: when a batch
    /// fails, everything imported is deleted again (the store was empty before).
    public func importRecords(_ next: @escaping @Sendable () throws -> StoreRecord?) async throws -> [StoreRecordKind: Int] {
        try await perform("importRecords") {
            let held = try await recordCounts()
            guard held.isEmpty else { throw StoreImportError.targetNotEmpty(held) }
            do {
                return try await importBatches(next)
            } catch {
                logger.warning("import failed; removing what was imported", metadata: ["error": "\(error)"])
                for collection in [users, teams, sessions, tickets, ticketOps, notifications, counters] {
                    _ = try? await collection.deleteMany([:])
                }
                throw error
            }
        }
    }

    /// The kinds that hold records, with their counts.
    func recordCounts() async throws -> [StoreRecordKind: Int] {
        var counts: [StoreRecordKind: Int] = [:]
        for (kind, collection) in [
            (StoreRecordKind.users, users), (.teams, teams), (.sessions, sessions), (.tickets, tickets),
            (.ticketOps, ticketOps), (.notifications, notifications),
        ] {
            let count = try await collection.countDocuments()
            if count > 0 { counts[kind] = count }
        }
        return counts
    }

    private func importBatches(_ next: @escaping @Sendable () throws -> StoreRecord?) async throws -> [StoreRecordKind: Int] {
        var tally = ImportTally()
        var batch: [BSONDocument] = []
        var batchBytes = 0
        var batchKind: StoreRecordKind?
        func flush() async throws {
            guard let kind = batchKind, !batch.isEmpty else { return }
            try await collection(for: kind).insertMany(batch, ordered: true)
            batch.removeAll(keepingCapacity: true)
            batchBytes = 0
        }
        var highestNumber: Int64 = 0
        while var record = try CallerError.wrap(next) {
            try tally.count(record)
            // A ticket keeps its number; one from a backup made before numbers gets the next.
            if case .ticket(var ticket) = record {
                if ticket.number == 0 {
                    ticket.number = try await nextTicketNumber()
                    record = .ticket(ticket)
                }
                highestNumber = max(highestNumber, ticket.number)
            }
            if record.kind != batchKind {
                try await flush()
                batchKind = record.kind
            }
            let document = try Self.document(record)
            batch.append(document)
            batchBytes += (try? document.bytes().count) ?? 0
            if batch.count >= 500 || batchBytes >= 8 << 20 { try await flush() }
        }
        try await flush()
        if highestNumber > 0 { try await reserveTicketNumber(highestNumber) }
        return tally.counts
    }

    private func collection(for kind: StoreRecordKind) -> MongoCollection {
        switch kind {
        case .users: users
        case .teams: teams
        case .sessions: sessions
        case .tickets: tickets
        case .ticketOps: ticketOps
        case .notifications: notifications
        }
    }

    private static func document(_ record: StoreRecord) throws -> BSONDocument {
        switch record {
        case .user(let user): MongoRecords.document(user)
        case .team(let team): MongoRecords.document(team)
        case .session(let session): MongoRecords.document(session)
        case .ticket(let ticket): try MongoTicketRecords.document(ticket)
        case .ticketOp(let ticket, let op): try MongoTicketRecords.document(op, ticket: ticket)
        case .notification(let notification): MongoRecords.document(notification)
        }
    }
}
