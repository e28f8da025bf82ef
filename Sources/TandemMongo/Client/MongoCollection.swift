// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CMongoc

/// One collection; every method is one (blocking) driver call on the client's threads.
///
/// Writes use the client's write concern (`majority` and journaled by default).
public struct MongoCollection: Sendable {
    public let client: MongoClient
    public let database: String
    public let name: String

    /// The outcome of an update.
    public struct UpdateResult: Sendable, Hashable {
        public var matched: Int
        public var modified: Int
        public var upserted: Int
    }

    // MARK: - Writes

    /// Inserts one document.
    /// - Throws: ``MongoError`` (`duplicateKey` when a unique index refuses it).
    public func insertOne(_ document: BSONDocument) async throws(MongoError) {
        try await run { collection throws(MongoError) in
            let document = try OwnedBSON.make(document)
            let reply = OwnedBSON()
            var error = bson_error_t()
            guard mongoc_collection_insert_one(collection, document.pointer, nil, reply.pointer, &error) else {
                throw MongoError(error, reply: try? reply.document())
            }
        }
    }

    /// Inserts documents in one batch. With `ordered`, the first failure stops the
    /// batch and ``MongoError/failedIndex`` tells which document it was: those
    /// before it were inserted, none after it.
    public func insertMany(_ documents: [BSONDocument], ordered: Bool = true) async throws(MongoError) {
        guard !documents.isEmpty else { return }
        try await run { collection throws(MongoError) in
            let owned = try documents.map { document throws(MongoError) in try OwnedBSON.make(document) }
            let options = try OwnedBSON.make(["ordered": .bool(ordered)])
            let reply = OwnedBSON()
            var error = bson_error_t()
            var pointers: [OpaquePointer?] = owned.map(\.pointer)
            let inserted = pointers.withUnsafeMutableBufferPointer { buffer in
                mongoc_collection_insert_many(
                    collection, buffer.baseAddress, buffer.count, options.pointer, reply.pointer, &error)
            }
            guard inserted else { throw MongoError(error, reply: try? reply.document()) }
            withExtendedLifetime(owned) {}
        }
    }

    /// Updates the first document matching `filter` with `update` (operators such as `$set`).
    @discardableResult
    public func updateOne(
        _ filter: BSONDocument, _ update: BSONDocument, upsert: Bool = false
    ) async throws(MongoError) -> UpdateResult {
        try await performUpdate(filter, update, upsert: upsert, many: false)
    }

    /// Updates every document matching `filter`.
    @discardableResult
    public func updateMany(_ filter: BSONDocument, _ update: BSONDocument) async throws(MongoError) -> UpdateResult {
        try await performUpdate(filter, update, upsert: false, many: true)
    }

    /// Replaces the first document matching `filter` with `replacement`.
    @discardableResult
    public func replaceOne(_ filter: BSONDocument, _ replacement: BSONDocument) async throws(MongoError) -> UpdateResult {
        try await run { collection throws(MongoError) in
            let filter = try OwnedBSON.make(filter)
            let replacement = try OwnedBSON.make(replacement)
            let reply = OwnedBSON()
            var error = bson_error_t()
            guard mongoc_collection_replace_one(collection, filter.pointer, replacement.pointer, nil, reply.pointer, &error)
            else { throw MongoError(error, reply: try? reply.document()) }
            return Self.updateResult(try reply.bsonDocument())
        }
    }

    /// Deletes every document matching `filter`; returns how many.
    @discardableResult
    public func deleteMany(_ filter: BSONDocument) async throws(MongoError) -> Int {
        try await run { collection throws(MongoError) in
            let filter = try OwnedBSON.make(filter)
            let reply = OwnedBSON()
            var error = bson_error_t()
            guard mongoc_collection_delete_many(collection, filter.pointer, nil, reply.pointer, &error) else {
                throw MongoError(error, reply: try? reply.document())
            }
            return Int(try reply.bsonDocument()["deletedCount"]?.int64Value ?? 0)
        }
    }

    /// Updates the first document matching `filter` and returns it as it is after the
    /// update (`findAndModify` with `new: true`): one atomic step on the server, so two
    /// callers that `$inc` the same document each see their own value. With `upsert`,
    /// a missing document is inserted first.
    public func findOneAndUpdate(
        _ filter: BSONDocument, _ update: BSONDocument, upsert: Bool = false
    ) async throws(MongoError) -> BSONDocument? {
        try await run { collection throws(MongoError) in
            let filter = try OwnedBSON.make(filter)
            let update = try OwnedBSON.make(update)
            let reply = OwnedBSON()
            var error = bson_error_t()
            guard
                mongoc_collection_find_and_modify(
                    collection, filter.pointer, nil, update.pointer, nil, false, upsert, true, reply.pointer, &error)
            else { throw MongoError(error, reply: try? reply.document()) }
            guard case .document(let value)? = try reply.bsonDocument()["value"] else { return nil }
            return value
        }
    }

    // MARK: - Reads

    /// The documents matching `filter`, all fetched (use a `limit` for large collections).
    public func find(
        _ filter: BSONDocument = [:], options: MongoFindOptions = MongoFindOptions()
    ) async throws(MongoError)
        -> [BSONDocument]
    {
        try await run { collection throws(MongoError) in
            var documents: [BSONDocument] = []
            do {
                try Self.iterate(collection, filter, options) { documents.append($0) }
            } catch let error as MongoError {
                throw error
            } catch {
                throw MongoError(.client, message: "\(error)")  // `append` does not throw
            }
            return documents
        }
    }

    /// The first document matching `filter`, if any.
    public func findOne(_ filter: BSONDocument, projection: BSONDocument? = nil) async throws(MongoError) -> BSONDocument? {
        try await find(filter, options: MongoFindOptions(projection: projection, limit: 1)).first
    }

    /// Calls `body` with each matching document, on the driver thread, as the
    /// cursor streams them (in batches of ``MongoFindOptions/batchSize``).
    /// An error thrown by `body` stops the iteration and is rethrown as is.
    public func forEach(
        _ filter: BSONDocument = [:], options: MongoFindOptions = MongoFindOptions(),
        _ body: @escaping @Sendable (BSONDocument) throws -> Void
    ) async throws {
        let database = self.database
        let name = self.name
        try await client.withClientRethrowing { client in
            let collection = Self.open(client, database, name)
            defer { mongoc_collection_destroy(collection) }
            try Self.iterate(collection, filter, options, body)
        }
    }

    /// How many documents match `filter` (an exact count, by aggregation).
    public func countDocuments(_ filter: BSONDocument = [:]) async throws(MongoError) -> Int {
        try await run { collection throws(MongoError) in
            let filter = try OwnedBSON.make(filter)
            let reply = OwnedBSON()
            var error = bson_error_t()
            let count = mongoc_collection_count_documents(collection, filter.pointer, nil, nil, reply.pointer, &error)
            guard count >= 0 else { throw MongoError(error, reply: try? reply.document()) }
            return Int(count)
        }
    }

    // MARK: - Administration

    /// Creates the indexes that do not exist yet (`createIndexes`; a no-op for an
    /// index that exists with the same specification).
    public func createIndexes(_ indexes: [MongoIndex]) async throws(MongoError) {
        guard !indexes.isEmpty else { return }
        let command: BSONDocument = [
            "createIndexes": .string(name), "indexes": .array(indexes.map { .document($0.specification) }),
        ]
        try await client.runCommand(command, database: database)
    }

    /// Drops the collection; a no-op when it does not exist.
    public func drop() async throws(MongoError) {
        do {
            try await client.runCommand(["drop": .string(name)], database: database)
        } catch  where error.code == 26 || error.message.contains("ns not found") {
            // NamespaceNotFound.
        }
    }

    // MARK: - Driver calls

    private func run<Result: Sendable>(
        _ body: @escaping @Sendable (OpaquePointer) throws(MongoError) -> Result
    ) async throws(MongoError) -> Result {
        let database = self.database
        let name = self.name
        return try await client.withClient { client throws(MongoError) in
            let collection = Self.open(client, database, name)
            defer { mongoc_collection_destroy(collection) }
            return try body(collection)
        }
    }

    private static func open(_ client: OpaquePointer, _ database: String, _ name: String) -> OpaquePointer {
        // Only fails on allocation failure, which aborts in libbson anyway.
        mongoc_client_get_collection(client, database, name)!
    }

    private func performUpdate(
        _ filter: BSONDocument, _ update: BSONDocument, upsert: Bool, many: Bool
    ) async throws(MongoError) -> UpdateResult {
        try await run { collection throws(MongoError) in
            let filter = try OwnedBSON.make(filter)
            let update = try OwnedBSON.make(update)
            let options = try OwnedBSON.make(["upsert": .bool(upsert)])
            let reply = OwnedBSON()
            var error = bson_error_t()
            let ok =
                many
                ? mongoc_collection_update_many(
                    collection, filter.pointer, update.pointer, options.pointer, reply.pointer, &error)
                : mongoc_collection_update_one(
                    collection, filter.pointer, update.pointer, options.pointer, reply.pointer, &error)
            guard ok else { throw MongoError(error, reply: try? reply.document()) }
            return Self.updateResult(try reply.bsonDocument())
        }
    }

    private static func updateResult(_ reply: BSONDocument) -> UpdateResult {
        UpdateResult(
            matched: Int(reply["matchedCount"]?.int64Value ?? 0),
            modified: Int(reply["modifiedCount"]?.int64Value ?? 0),
            upserted: Int(reply["upsertedCount"]?.int64Value ?? 0))
    }

    private static func iterate(
        _ collection: OpaquePointer, _ filter: BSONDocument, _ options: MongoFindOptions,
        _ body: (BSONDocument) throws -> Void
    ) throws {
        let filter = try OwnedBSON.make(filter)
        let opts = try OwnedBSON.make(options.document)
        guard let cursor = mongoc_collection_find_with_opts(collection, filter.pointer, opts.pointer, nil) else {
            throw MongoError(.client, message: "libmongoc returned no cursor")
        }
        defer { mongoc_cursor_destroy(cursor) }
        var current: OpaquePointer?
        while mongoc_cursor_next(cursor, &current) {
            guard let current else { break }
            let document: BSONDocument
            do {
                document = try OwnedBSON.document(at: current)
            } catch {
                throw MongoError(.bson, message: error.message)
            }
            try body(document)
        }
        var error = bson_error_t()
        var reply: OpaquePointer?
        if mongoc_cursor_error_document(cursor, &error, &reply) {
            throw MongoError(error, reply: reply.flatMap { try? OwnedBSON.document(at: $0) })
        }
    }
}
