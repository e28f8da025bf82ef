// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CMongoc
import Logging
import NIOPosix
import Synchronization

/// A pool of connections to one MongoDB deployment, with an async API.
///
/// Every libmongoc call blocks, so each runs on a dedicated, bounded
/// `NIOThreadPool` (never on an event loop or Swift's cooperative pool): the
/// thread pops a `mongoc_client_t` from the `mongoc_client_pool_t`, runs the
/// call and pushes the client back. The pool holds as many clients as there are
/// threads, so a pop never waits for another thread.
///
/// When the server goes away, calls fail with ``MongoError`` (`network`, or
/// `timeout` once server selection gives up after `serverSelectionTimeoutMS`);
/// libmongoc's background monitor keeps probing and the next call after the
/// server is back succeeds, on fresh connections.
public final class MongoClient: Sendable {
    /// The database named in the connection string, or ``MongoConnectionOptions/defaultDatabase``.
    public let databaseName: String
    /// The write concern writes use, as `{w, j, wtimeout}` (for logs and diagnostics).
    public let writeConcern: BSONDocument

    private let pool: PoolHandle
    private let threads: NIOThreadPool
    private let closed = Mutex(false)
    private let logger: Logger

    /// Parses the connection string, applies the defaults and starts the pool.
    /// Connects lazily: a server that is down shows up in the first call.
    /// - Throws: ``MongoError`` of kind `invalidArgument` for a bad connection string.
    public init(_ options: MongoConnectionOptions, logger: Logger) throws(MongoError) {
        _ = MongoDriver.initialized
        var logger = logger
        logger[metadataKey: "store"] = "mongodb"
        self.logger = logger
        let uri = try MongoURI(options)
        defer { mongoc_uri_destroy(uri.pointer) }
        var error = bson_error_t()
        guard let pool = mongoc_client_pool_new_with_error(uri.pointer, &error) else {
            throw MongoError(error)
        }
        // Version 2: server errors keep the server's code (11000, 10107, …).
        mongoc_client_pool_set_error_api(pool, 2)
        mongoc_client_pool_max_size(pool, UInt32(uri.maximumConnections))
        self.pool = PoolHandle(pointer: pool)
        self.databaseName = uri.database
        self.writeConcern = uri.writeConcern
        self.threads = NIOThreadPool(numberOfThreads: uri.maximumConnections)
        threads.start()
        logger.debug(
            "mongodb client pool started",
            metadata: [
                "database": "\(uri.database)", "connections": "\(uri.maximumConnections)",
                "writeConcern": "\(uri.writeConcern)", "mongoc": "\(MongoDriver.version)",
            ])
    }

    /// A collection of ``databaseName`` (or of `database`).
    public func collection(_ name: String, database: String? = nil) -> MongoCollection {
        MongoCollection(client: self, database: database ?? databaseName, name: name)
    }

    /// Runs `{ping: 1}` against the admin database.
    public func ping() async throws(MongoError) {
        _ = try await runCommand(["ping": 1], database: "admin")
    }

    /// Runs a command and returns the server's reply.
    @discardableResult
    public func runCommand(_ command: BSONDocument, database: String? = nil) async throws(MongoError) -> BSONDocument {
        let database = database ?? databaseName
        return try await withClient { client throws(MongoError) in
            let command = try OwnedBSON.make(command)
            let reply = OwnedBSON()
            var error = bson_error_t()
            guard mongoc_client_command_simple(client, database, command.pointer, nil, reply.pointer, &error) else {
                throw MongoError(error, reply: try? reply.document())
            }
            return try reply.bsonDocument()
        }
    }

    /// Drops a database (tests use one database each).
    public func dropDatabase(_ name: String) async throws(MongoError) {
        try await runCommand(["dropDatabase": 1], database: name)
    }

    /// Stops accepting calls, waits for the ones running, then frees the pool.
    /// Calling it again does nothing.
    public func shutdown() async {
        let first = closed.withLock { closed in
            defer { closed = true }
            return !closed
        }
        guard first else { return }
        try? await threads.shutdownGracefully()
        mongoc_client_pool_destroy(pool.pointer)
        logger.debug("mongodb client pool closed")
    }

    deinit {
        // Released without shutdown(): stop the threads (waiting for a call still
        // running, which holds no reference to this client) and free the pool.
        if !closed.withLock({ $0 }) {
            logger.warning("MongoClient released without shutdown()")
            try? threads.syncShutdownGracefully()
            mongoc_client_pool_destroy(pool.pointer)
        }
    }

    /// Runs `body` with a pooled `mongoc_client_t` on a driver thread.
    func withClient<Result: Sendable>(
        _ body: @escaping @Sendable (OpaquePointer) throws(MongoError) -> Result
    ) async throws(MongoError) -> Result {
        do {
            return try await withClientRethrowing(body)
        } catch let error as MongoError {
            throw error
        } catch is CancellationError {
            throw MongoError(.cancelled, message: "the calling task was cancelled")
        } catch {
            throw MongoError(.client, message: "\(error)")
        }
    }

    /// ``withClient(_:)`` for a body that may throw any error, which is rethrown as is.
    func withClientRethrowing<Result: Sendable>(
        _ body: @escaping @Sendable (OpaquePointer) throws -> Result
    ) async throws -> Result {
        guard !closed.withLock({ $0 }) else { throw MongoError(.shutdown, message: "the client is shut down") }
        let pool = self.pool
        do {
            return try await threads.runIfActive {
                guard let client = mongoc_client_pool_pop(pool.pointer) else {
                    throw MongoError(.shutdown, message: "the client pool is closed")
                }
                defer { mongoc_client_pool_push(pool.pointer, client) }
                return try body(client)
            }
        } catch let error as NIOThreadPoolError.ThreadPoolInactive {
            throw MongoError(.shutdown, message: "the driver threads are stopped: \(error)")
        }
    }
}

/// A `mongoc_client_pool_t *`.
///
/// `@unchecked Sendable` because libmongoc documents `mongoc_client_pool_t` as
/// thread-safe: `pop` and `push` may be called from any thread concurrently.
/// The `mongoc_client_t`s it hands out are not thread-safe and never leave the
/// single work item (one thread) that popped them. `MongoClient.shutdown()`
/// destroys the pool only after the thread pool has drained.
struct PoolHandle: @unchecked Sendable {
    let pointer: OpaquePointer
}

extension OwnedBSON {
    /// ``OwnedBSON/init(_:)`` with BSON errors as ``MongoError``.
    static func make(_ document: BSONDocument) throws(MongoError) -> OwnedBSON {
        do {
            return try OwnedBSON(document)
        } catch {
            throw MongoError(.bson, message: error.message)
        }
    }

    /// ``OwnedBSON/document()`` with BSON errors as ``MongoError``.
    func bsonDocument() throws(MongoError) -> BSONDocument {
        do {
            return try document()
        } catch {
            throw MongoError(.bson, message: error.message)
        }
    }
}
