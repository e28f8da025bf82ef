// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import TandemMongo
import Testing

/// The driver wrapper against a live server: round trips, typed errors, options.
@Suite("MongoClient", .enabled(if: MongoTestEnvironment.enabled))
struct MongoClientTests {
    /// A client on a fresh database, dropped and shut down after `body`.
    func withCollection(
        _ query: String = "", _ body: (MongoClient, MongoCollection) async throws -> Void
    ) async throws {
        let url = try MongoTestEnvironment.requireURL()
        let client = try MongoClient(MongoConnectionOptions(url: url + query), logger: MongoTestEnvironment.logger)
        let database = "tandem_client_" + UUID().uuidString.prefix(8).lowercased()
        do {
            try await body(client, client.collection("things", database: database))
        } catch {
            try? await client.dropDatabase(database)
            await client.shutdown()
            throw error
        }
        try await client.dropDatabase(database)
        await client.shutdown()
    }

    @Test func valuesRoundTripExactly() async throws {
        try await withCollection { _, things in
            let document: BSONDocument = [
                "key": "one",
                "int64": .int64(Int64.max - 1),
                "negative": .int64(Int64.min + 1),
                "small": .int64(3),
                "double": 0.1,
                "bool": true,
                "false": false,
                "null": nil,
                "text": "a\u{0}b 😀 e\u{301} 東京",
                "binary": .binary(BSONBinary(bytes: [0, 1, 2, 255])),
                "nested": ["array": [1, "two", ["three": 3]]],
                "datetime": .datetime(1_750_000_000_123),
            ]
            try await things.insertOne(document)
            var stored = try #require(try await things.findOne(["key": "one"]))
            #expect(stored["_id"] != nil, "the driver adds an ObjectId")
            stored["_id"] = nil
            // Values are exact; a server may narrow a small int64 to int32 (nx-27017
            // does), which every reader in Tandem accepts as the same integer.
            #expect(Self.normalized(stored) == Self.normalized(document))
            #expect(stored["int64"] == .int64(Int64.max - 1))
            #expect(
                stored["text"]?.stringValue?.unicodeScalars.elementsEqual(
                    document["text"]!.stringValue!.unicodeScalars) == true)
        }
    }

    @Test func duplicateKeyIsTyped() async throws {
        try await withCollection { _, things in
            try await things.createIndexes([MongoIndex("things_key", keys: ["key": 1], unique: true)])
            try await things.createIndexes([MongoIndex("things_key", keys: ["key": 1], unique: true)])  // idempotent
            try await things.insertOne(["key": "a"])
            let error = await #expect(throws: MongoError.self) { try await things.insertOne(["key": "a"]) }
            #expect(error?.kind == .duplicateKey)
            #expect(error?.code == 11000)
            // In an ordered batch, the failing document is named and the ones before it are in.
            let batch = await #expect(throws: MongoError.self) {
                try await things.insertMany([["key": "b"], ["key": "c"], ["key": "a"], ["key": "d"]])
            }
            #expect(batch?.kind == .duplicateKey)
            #expect(batch?.failedIndex == 2)
            #expect(try await things.countDocuments() == 3)
        }
    }

    @Test func crudAndCursors() async throws {
        try await withCollection { _, things in
            try await things.insertMany((0..<250).map { ["key": .string(String(format: "k%03d", $0)), "n": .int64(Int64($0))] })
            #expect(try await things.countDocuments(["n": ["$gte": 200]]) == 50)
            let page = try await things.find(
                ["n": ["$gte": 10]], options: MongoFindOptions(sort: ["key": -1], projection: ["_id": 0, "key": 1], limit: 3))
            #expect(page.map { $0["key"]?.stringValue } == ["k249", "k248", "k247"])
            let seen = Counter()
            try await things.forEach(options: MongoFindOptions(batchSize: 7)) { _ in seen.increment() }
            #expect(seen.value == 250)
            #expect(try await things.updateMany(["n": ["$lt": 5]], ["$set": ["small": true]]).modified == 5)
            #expect(try await things.deleteMany(["n": ["$gte": 100]]) == 150)
            #expect(try await things.countDocuments() == 100)
            struct Stop: Error {}
            await #expect(throws: Stop.self) { try await things.forEach { _ in throw Stop() } }
        }
    }

    @Test func writeConcernDefaultsToMajorityJournaled() async throws {
        try await withCollection { client, _ in
            #expect(client.writeConcern == ["w": "majority", "j": true, "wtimeout": .int64(10_000)])
        }
        try await withCollection("/?w=1&journal=false&wtimeoutMS=250") { client, things in
            #expect(client.writeConcern == ["w": 1, "j": false, "wtimeout": .int64(250)])
            try await things.insertOne(["key": "x"])
        }
    }

    @Test func unreachableServerTimesOutQuickly() async throws {
        let client = try MongoClient(
            MongoConnectionOptions(url: "mongodb://127.0.0.1:1/?serverSelectionTimeoutMS=300"),
            logger: MongoTestEnvironment.logger)
        let clock = ContinuousClock()
        let started = clock.now
        let error = await #expect(throws: MongoError.self) { try await client.ping() }
        #expect(error?.kind == .timeout, "\(String(describing: error))")
        #expect(clock.now - started < .seconds(5))
        await client.shutdown()
        let closed = await #expect(throws: MongoError.self) { try await client.ping() }
        #expect(closed?.kind == .shutdown)
        await client.shutdown()  // twice is harmless
    }

    @Test func invalidConnectionStringIsRefused() throws {
        for url in ["mongodb://", "mongodb://host/?serverSelectionTimeoutMS=abc&w=", "http://x"] {
            #expect(throws: MongoError.self) {
                _ = try MongoClient(MongoConnectionOptions(url: url), logger: MongoTestEnvironment.logger)
            }
        }
    }

    /// `int32` values as `int64`, recursively.
    static func normalized(_ document: BSONDocument) -> BSONDocument {
        BSONDocument(document.fields.map { ($0.key, normalized($0.value)) })
    }

    static func normalized(_ value: BSON) -> BSON {
        switch value {
        case .int32(let int): .int64(Int64(int))
        case .document(let document): .document(normalized(document))
        case .array(let values): .array(values.map(normalized))
        default: value
        }
    }
}

/// A thread-safe counter for callbacks on driver threads.
final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
