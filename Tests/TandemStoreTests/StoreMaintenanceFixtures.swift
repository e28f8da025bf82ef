// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import TandemCore
import TandemStore
import TandemStoreMongo
import TandemStoreSQLite
import Testing

/// The stores the maintenance tests run against: SQLite always, MongoDB when a
/// server is configured (and in CI, where a missing one fails the test).
enum MaintenanceStores {
    static var all: [ConformanceStoreFactory] {
        MongoTestEnvironment.enabled ? [SQLiteStoreTests.factory, MongoTestEnvironment.factory] : [SQLiteStoreTests.factory]
    }

    /// A migrated store from `factory`, closed after `body`.
    static func with(_ factory: ConformanceStoreFactory, _ body: (any TandemStore) async throws -> Void) async throws {
        try await StoreConformance.withStore(factory, body)
    }
}

extension ConformanceStoreFactory: CustomTestStringConvertible {
    var testDescription: String { name }
}

/// A store holding every kind of record, with the awkward cases.
struct PopulatedStore {
    var users: [User] = []
    var tickets: [Ticket] = []

    /// Fills `store` and returns what it holds.
    static func populate(_ store: any TandemStore) async throws -> PopulatedStore {
        var fixtures = Fixtures()
        var populated = PopulatedStore()
        let ada = fixtures.user(email: "ada@example.com", name: "Ada 🧮 Lovelace", role: .admin)
        let bob = fixtures.user(email: "bob@example.com", name: "Jose\u{301} \u{0}Bob", role: .agent, disabled: true)
        let zoe = fixtures.user(email: "zoe@example.com", name: "Zoë 東京", role: .customer)
        populated.users = [ada, bob, zoe]
        for user in populated.users { try await store.createUser(user) }
        let team = fixtures.team(
            name: "Première ligne",
            members: [TeamMember(userID: bob.id, role: .agent), TeamMember(userID: ada.id, role: .supervisor)])
        try await store.createTeam(team)
        try await store.createTeam(fixtures.team(name: "Empty"))
        var revoked = fixtures.session(for: ada.id)
        revoked.revokedAt = fixtures.advance()
        revoked.userAgent = nil
        try await store.createSession(revoked)
        try await store.createSession(fixtures.session(for: bob.id))

        var big = fixtures.ticket(
            subject: "Cafe\u{301} 😀", description: String(repeating: "Ünïcödé 😀 東京\u{0} ", count: 2_000),
            status: .open, priority: .urgent, requester: zoe.id, team: team.id, assignee: bob.id, tags: ["vip", "größe"])
        big.internalNotes = "interne 🙈"
        big.comments = [fixtures.comment(author: bob.id, body: "On it\n\ttab", visibility: .internal, mentions: [ada.id])]
        big.clientSequences = ["client.with.dots$": ClientSequence(seq: 4, version: 0)]
        try await store.createTicket(big)
        // Operations: some in the snapshot, some after it.
        let ops = [
            fixtures.op(.status(.pending), version: 1, author: bob.id),
            fixtures.op(.text(.replyDraft, .inserting("Bonjour 👋", at: 0)), version: 2, author: bob.id, client: nil),
            fixtures.op(.tags(try TagOperation(adding: ["billing"])), version: 3, author: ada.id),
        ]
        big = try big.applying(Array(ops.prefix(2)))
        try await store.commit(ticket: big.id, ops: Array(ops.prefix(2)), snapshot: big)
        try await store.commit(ticket: big.id, ops: [ops[2]], snapshot: nil)
        let closed = fixtures.ticket(subject: "Closed", status: .closed, requester: zoe.id)
        try await store.createTicket(closed)
        populated.tickets = [big, closed]

        var read = fixtures.notification(for: ada.id, ticket: big.id, actor: bob.id, text: "@Ada 😀")
        read.readAt = fixtures.advance()
        try await store.createNotifications([
            read, fixtures.notification(for: bob.id, kind: .assigned, ticket: big.id, actor: ada.id, text: "東京"),
        ])
        return populated
    }

    /// Every record of `store`, in export order.
    static func records(of store: any TandemStore) async throws -> [StoreRecord] {
        let records = Mutex<[StoreRecord]>([])
        _ = try await store.exportRecords { record in records.withLock { $0.append(record) } }
        return records.withLock { $0 }
    }
}

/// Scalar-exact comparison: `==` on String is canonical equivalence, so check the
/// scalars of every text of every record through their JSON.
func scalarExact(_ lhs: [StoreRecord], _ rhs: [StoreRecord]) throws -> Bool {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys]
    func json(_ records: [StoreRecord]) throws -> [[UInt8]] {
        try records.map { record -> [UInt8] in
            switch record {
            case .user(let value): return Array(try encoder.encode(value))
            case .team(let value): return Array(try encoder.encode(value))
            case .session(let value): return Array(try encoder.encode(value))
            case .ticket(var value):
                // Tags are a Set: their JSON order varies, so compare them sorted by scalars.
                let tags = value.tags.map { $0.unicodeScalars.map(\.value) }.sorted { $0.lexicographicallyPrecedes($1) }
                value.tags = []
                return Array(try encoder.encode(value)) + Array(try encoder.encode(tags))
            case .ticketOp(let ticket, let op): return Array(try encoder.encode(ticket)) + Array(try encoder.encode(op))
            case .notification(let value): return Array(try encoder.encode(value))
            }
        }
    }
    return try json(lhs) == json(rhs)
}
