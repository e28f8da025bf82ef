// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import TandemCore
import TandemMongo
import TandemStore

/// The production store: MongoDB through libmongoc (``TandemMongo``).
///
/// Collections, document shapes and indexes are described in `docs/STORAGE.md`.
/// Only standard commands are used (CRUD, `createIndexes`, `count` by
/// aggregation, `ping`); no transactions, no server-side JavaScript.
///
/// Every error it throws is a ``StoreError`` (or ``RecordTooLargeError`` for a
/// document over 16 MiB, or `CancellationError`); driver errors never leave it.
/// A lost connection, a server-selection timeout or a primary stepping down is
/// ``StoreError/unavailable(_:)``: the call may be retried once the server is back.
///
/// Writes use the client's write concern: `majority` and journaled unless the
/// connection string says otherwise, so an acknowledged write survives the
/// loss of the primary.
///
/// The fence of ``TicketStore`` is the unique index on `ticketOps (ticket, version)`.
public final class MongoStore: TandemStore {
    /// Connection and behaviour settings.
    public struct Configuration: Sendable, Hashable {
        /// Connection string and timeouts.
        public var connection: MongoConnectionOptions
        /// The database to use instead of the one in the connection string (tests).
        public var database: String?
        /// Drop the whole database on ``MongoStore/close()`` (throw-away test stores).
        public var dropDatabaseOnClose: Bool

        public init(connection: MongoConnectionOptions, database: String? = nil, dropDatabaseOnClose: Bool = false) {
            self.connection = connection
            self.database = database
            self.dropDatabaseOnClose = dropDatabaseOnClose
        }
    }

    /// The database holding Tandem's collections.
    public let database: String
    let client: MongoClient
    let logger: Logger
    let configuration: Configuration
    let users: MongoCollection
    let teams: MongoCollection
    let sessions: MongoCollection
    let tickets: MongoCollection
    let ticketOps: MongoCollection
    let notifications: MongoCollection
    let meta: MongoCollection

    /// Prepares a connection pool; nothing is contacted until the first call.
    /// Call ``migrate()`` before use.
    /// - Throws: ``StoreError/unavailable(_:)`` for an invalid connection string.
    public init(configuration: Configuration, logger: Logger) throws {
        var logger = logger
        logger[metadataKey: "store"] = "mongodb"
        self.logger = logger
        self.configuration = configuration
        do {
            client = try MongoClient(configuration.connection, logger: logger)
        } catch {
            throw StoreError.unavailable("invalid MongoDB connection string: \(error.message)")
        }
        database = configuration.database ?? client.databaseName
        users = client.collection(MongoSchema.users, database: database)
        teams = client.collection(MongoSchema.teams, database: database)
        sessions = client.collection(MongoSchema.sessions, database: database)
        tickets = client.collection(MongoSchema.tickets, database: database)
        ticketOps = client.collection(MongoSchema.ticketOps, database: database)
        notifications = client.collection(MongoSchema.notifications, database: database)
        meta = client.collection(MongoSchema.meta, database: database)
    }

    /// A store on a fresh database named `tandem_test_<random>`, dropped on
    /// ``close()``. Meant for tests against a throw-away server.
    public static func temporary(url: String, logger: Logger) throws -> MongoStore {
        let name = "tandem_test_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        return try MongoStore(
            configuration: Configuration(
                connection: MongoConnectionOptions(url: url), database: name, dropDatabaseOnClose: true),
            logger: logger)
    }

    /// The write concern writes use, e.g. `{w: "majority", j: true, wtimeout: 10000}`.
    public var writeConcern: BSONDocument { client.writeConcern }

    // MARK: - Lifecycle

    /// Creates every collection's indexes (a no-op for the ones that exist) and
    /// records the schema version.
    public func migrate() async throws {
        try await perform("migrate") {
            for (collection, indexes) in MongoSchema.indexes {
                try await self.client.collection(collection, database: self.database).createIndexes(indexes)
            }
            let stored = try await self.meta.findOne(["_id": "schema"])
            if let version = stored?["version"]?.int64Value, version > MongoSchema.version {
                self.logger.warning(
                    "the database was written by a newer Tandem", metadata: ["schema": "\(version)"])
                return
            }
            try await self.migrateDesk(from: stored?["version"]?.int64Value ?? 0)
            try await self.meta.updateOne(
                ["_id": "schema"],
                ["$set": ["version": .int64(MongoSchema.version), "indexes": .int64(Int64(MongoSchema.indexCount))]],
                upsert: true)
        }
        logger.info(
            "schema ready",
            metadata: ["database": "\(database)", "version": "\(MongoSchema.version)", "writeConcern": "\(writeConcern)"])
    }

    /// Runs `ping` on the server.
    /// - Throws: ``StoreError/unavailable(_:)`` on any failure.
    public func ping() async throws {
        do {
            try await client.ping()
        } catch {
            logger.warning("ping failed", metadata: ["error": "\(error)"])
            throw StoreError.unavailable("ping failed: \(error.message)")
        }
    }

    /// Waits for the calls in progress and closes the connections; later calls
    /// throw ``StoreError/unavailable(_:)``. Closing twice is harmless.
    public func close() async throws {
        if configuration.dropDatabaseOnClose {
            try? await client.dropDatabase(database)
        }
        await client.shutdown()
        logger.debug("closed", metadata: ["database": "\(database)"])
    }
}

extension MongoStore.Configuration {
    /// A configuration from plain settings (what `tandem.json` holds).
    public init(
        url: String, serverSelectionTimeout: Duration, socketTimeout: Duration, writeConcernTimeout: Duration,
        maximumConnections: Int
    ) {
        self.init(
            connection: MongoConnectionOptions(
                url: url, serverSelectionTimeout: serverSelectionTimeout, socketTimeout: socketTimeout,
                writeConcernTimeout: writeConcernTimeout, maximumConnections: maximumConnections))
    }
}

extension MongoStore {
    /// Whether `url` is a MongoDB connection string (`mongodb://` or `mongodb+srv://`).
    public static func handles(_ url: String) -> Bool {
        MongoConnectionOptions.isMongoURL(url)
    }

    /// Checks a connection string without connecting; returns why it is invalid, or `nil`.
    public static func problem(with url: String) -> String? {
        MongoConnectionOptions.problem(with: url)
    }
}
