// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemServer
import TandemStore
import TandemStoreMongo
import TandemStoreSQLite

/// Opens the store named by `store.url`: SQLite for `sqlite:PATH`, MongoDB for
/// `mongodb://…` and `mongodb+srv://…`. The store is migrated before it is returned.
public enum StoreFactory {
    public static func open(_ configuration: TandemConfiguration.Store, logger: Logger) async throws -> any TandemStore {
        let store: any TandemStore
        switch try StoreLocation(configuration.url) {
        case .sqlite(let path):
            store = try SQLiteStore(
                path: path,
                configuration: .init(busyTimeout: .milliseconds(configuration.busyTimeoutMilliseconds)),
                logger: logger)
        case .mongodb(let url):
            let mongo = configuration.mongo
            store = try MongoStore(
                configuration: .init(
                    url: url, serverSelectionTimeout: .milliseconds(mongo.serverSelectionTimeoutMilliseconds),
                    socketTimeout: .milliseconds(mongo.socketTimeoutMilliseconds),
                    writeConcernTimeout: .milliseconds(mongo.writeConcernTimeoutMilliseconds),
                    maximumConnections: mongo.maxConnections),
                logger: logger)
        }
        do {
            try await store.migrate()
        } catch {
            try? await store.close()
            throw error
        }
        return store
    }

    /// Opens the store, runs `body` with it, and closes it (awaited) whether `body`
    /// succeeds or throws: for commands that need the store and nothing else.
    public static func with<Result: Sendable>(
        _ configuration: TandemConfiguration.Store, logger: Logger,
        _ body: (any TandemStore) async throws -> Result
    ) async throws -> Result {
        let store = try await open(configuration, logger: logger)
        let result: Result
        do {
            result = try await body(store)
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
        return result
    }
}
