// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemMongo
import TandemStore
import TandemStoreMongo
import Testing

/// The conformance suite and MongoDB-only behaviours, each on its own database.
@Suite("MongoStore", .enabled(if: MongoTestEnvironment.enabled))
struct MongoStoreTests {
    @Test("conformance", arguments: StoreConformanceCheck.allCases)
    func conformance(_ check: StoreConformanceCheck) async throws {
        try await check.run(MongoTestEnvironment.factory)
    }

    @Test("outbox conformance", arguments: OutboxConformanceCheck.allCases)
    func outboxConformance(_ check: OutboxConformanceCheck) async throws {
        try await check.run(MongoTestEnvironment.factory)
    }

    @Test func migrateIsIdempotentAndCreatesTheIndexes() async throws {
        let store = try MongoTestEnvironment.temporaryStore()
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        try await store.createUser(ada)
        try await store.migrate()
        try await store.migrate()
        #expect(try await store.user(id: ada.id) == ada)
        // Index names are the server's business (some rename them): check the keys.
        let client = try MongoClient(
            MongoConnectionOptions(url: MongoTestEnvironment.requireURL()), logger: MongoTestEnvironment.logger)
        let reply = try await client.runCommand(["listIndexes": "ticketOps"], database: store.database)
        let indexes = reply["cursor"]?.documentValue?["firstBatch"]?.arrayValue ?? []
        let fence = indexes.compactMap(\.documentValue).first { $0["key"]?.documentValue?.keys == ["ticket", "version"] }
        #expect(fence?["unique"]?.boolValue == true, "\(indexes)")
        await client.shutdown()
        try await store.close()
    }

    @Test func writesAreMajorityAndJournaledByDefault() async throws {
        let store = try MongoTestEnvironment.temporaryStore()
        #expect(store.writeConcern["w"] == "majority")
        #expect(store.writeConcern["j"] == true)
        try await store.close()
    }

    /// Two stores on one database (as two server processes would be): each version is
    /// committed by exactly one of them, and the loser gets a typed conflict.
    @Test func versionFenceHoldsAcrossProcesses() async throws {
        let first = try MongoTestEnvironment.temporaryStore()
        try await first.migrate()
        let second = try MongoStore(
            configuration: .init(
                connection: MongoConnectionOptions(url: MongoTestEnvironment.requireURL()), database: first.database),
            logger: MongoTestEnvironment.logger)
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let ticket = fixtures.ticket(requester: ada.id)
        try await first.createTicket(ticket)

        for version in Int64(1)...10 {
            let contenders = [(first, "first"), (second, "second")].map { store, name in
                (store, fixtures.op(.subject("\(name) \(version)"), version: version, author: ada.id))
            }
            let outcomes = await withTaskGroup(of: (any Error)?.self) { group in
                for (store, op) in contenders {
                    group.addTask {
                        do {
                            try await store.commit(ticket: ticket.id, ops: [op], snapshot: nil)
                            return nil
                        } catch {
                            return error
                        }
                    }
                }
                return await group.reduce(into: []) { $0.append($1) }
            }
            let failures = outcomes.compactMap { $0 }
            try #require(failures.count == 1, "version \(version): \(outcomes)")
            #expect(failures.first as? StoreError == .versionConflict(kind: "ticket", id: ticket.id.rawValue, version: version))
        }
        let loaded = try #require(try await second.loadTicket(id: ticket.id))
        #expect(loaded.ops.map(\.version) == Array(1...10))
        try await second.close()
        try await first.close()
    }
}
