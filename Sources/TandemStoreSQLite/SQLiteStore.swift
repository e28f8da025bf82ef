// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import Logging
import TandemCore
import TandemStore

/// The embedded store: one SQLite file in WAL mode, accessed through a GRDB
/// `DatabasePool` (one writer, several concurrent readers).
///
/// Every error it throws is a ``StoreError`` (or a `CancellationError` when the
/// calling task is cancelled); GRDB and SQLite errors never leave it.
///
/// Commits are durable when they return: `PRAGMA synchronous = FULL` syncs the
/// WAL on every commit (GRDB's WAL default, NORMAL, could lose the last commits
/// on a power loss, which would lose acknowledged ticket operations). Ticket
/// commits of different tickets that are ready at the same moment share one
/// transaction and one sync (``SQLiteGroupCommit``).
///
/// A reference to a user that does not exist (a team member, a session owner)
/// is refused by SQLite's foreign keys and reported as
/// ``StoreError/notFound(kind:id:)`` with kind `user`.
///
/// `SQLiteStore` is `Sendable` without `@unchecked`: all its stored properties
/// are immutable and themselves `Sendable` (`DatabasePool` serialises access
/// internally).
public final class SQLiteStore: TandemStore {
    /// Tuning knobs. The defaults suit a single server process.
    public struct Configuration: Sendable, Hashable {
        /// How long a connection waits on a lock held by another connection
        /// (or process) before the operation fails with ``StoreError/unavailable(_:)``.
        public var busyTimeout: Duration
        /// The most concurrent read connections.
        public var maximumReaderCount: Int

        /// Creates a configuration.
        public init(busyTimeout: Duration = .seconds(5), maximumReaderCount: Int = 5) {
            self.busyTimeout = busyTimeout
            self.maximumReaderCount = maximumReaderCount
        }
    }

    /// The database file.
    public let path: String
    let pool: DatabasePool
    /// Writes the ticket batches that are ready together in one transaction (one sync).
    let groupCommit: SQLiteGroupCommit
    let logger: Logger
    /// Set for stores made by ``temporary(configuration:logger:)``: removed on ``close()``.
    private let temporaryDirectory: String?

    /// Opens (creating if needed) the database at `path` with the default configuration.
    ///
    /// Creates the parent directory when it is missing. Call ``migrate()`` before use.
    /// - Throws: ``StoreError/unavailable(_:)`` when the file cannot be opened.
    public convenience init(path: String, logger: Logger) throws {
        try self.init(path: path, configuration: Configuration(), logger: logger)
    }

    /// Opens (creating if needed) the database at `path`.
    ///
    /// Creates the parent directory when it is missing. Call ``migrate()`` before use.
    /// - Throws: ``StoreError/unavailable(_:)`` when the file cannot be opened.
    public convenience init(path: String, configuration: Configuration, logger: Logger) throws {
        try self.init(path: path, configuration: configuration, logger: logger, temporaryDirectory: nil)
    }

    private init(path: String, configuration: Configuration, logger: Logger, temporaryDirectory: String?) throws {
        var logger = logger
        logger[metadataKey: "store"] = "sqlite"
        self.path = path
        self.logger = logger
        self.temporaryDirectory = temporaryDirectory
        do {
            let directory = (path as NSString).deletingLastPathComponent
            if !directory.isEmpty {
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            }
            let pool = try DatabasePool(path: path, configuration: Self.grdbConfiguration(configuration))
            self.pool = pool
            self.groupCommit = SQLiteGroupCommit(pool: pool)
            // GRDB sets `synchronous = NORMAL` on the writer when it enables WAL, after
            // `prepareDatabase` ran: restore FULL on the writer (the only connection that
            // commits), so that an acknowledged commit survives a power loss.
            try pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        } catch {
            logger.error("cannot open the database", metadata: ["path": "\(path)", "error": "\(error)"])
            throw StoreError.unavailable("cannot open the database at \(path): \(Self.describe(error))")
        }
        logger.debug("opened", metadata: ["path": "\(path)"])
    }

    /// Opens a store on a new file in a fresh temporary directory, which
    /// ``close()`` removes. Meant for tests and throw-away runs.
    public static func temporary(
        configuration: Configuration = Configuration(),
        logger: Logger = Logger(label: "tandem.store.sqlite")
    ) throws -> SQLiteStore {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tandem-store-\(UUID().uuidString)", isDirectory: true).path
        return try SQLiteStore(
            path: directory + "/tandem.sqlite",
            configuration: configuration,
            logger: logger,
            temporaryDirectory: directory
        )
    }

    private static func grdbConfiguration(_ configuration: Configuration) -> GRDB.Configuration {
        var config = GRDB.Configuration()
        config.label = "tandem"
        // Runs `PRAGMA foreign_keys = ON` on every connection.
        config.foreignKeysEnabled = true
        let (seconds, attoseconds) = configuration.busyTimeout.components
        config.busyMode = .timeout(TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18)
        config.maximumReaderCount = max(1, configuration.maximumReaderCount)
        config.prepareDatabase { db in
            SQLiteFunctions.register(in: db)
            // Every commit syncs the WAL: durability of acknowledged ops over speed.
            // The pool's WAL setup lowers this to NORMAL on the writer; init restores it.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        // DatabasePool opens the file in WAL mode.
        return config
    }

    // MARK: - Lifecycle

    /// Applies pending schema migrations; a no-op when the schema is current.
    public func migrate() async throws {
        let migrator = SQLiteMigrations.migrator
        let logger = self.logger
        do {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                migrator.asyncMigrate(pool) { result in
                    continuation.resume(
                        with: Result {
                            let db = try result.get()
                            if try migrator.hasBeenSuperseded(db) {
                                logger.warning("the database holds migrations from a newer Tandem")
                            }
                            let applied = try migrator.appliedMigrations(db)
                            logger.info("schema ready", metadata: ["migrations": "\(applied.joined(separator: ","))"])
                        }
                    )
                }
            }
        } catch {
            throw translate(error, operation: "migrate")
        }
    }

    /// Runs `SELECT 1` on a reader connection.
    /// - Throws: ``StoreError/unavailable(_:)`` on any failure.
    public func ping() async throws {
        do {
            _ = try await pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            logger.warning("ping failed", metadata: ["error": "\(error)"])
            throw StoreError.unavailable("ping failed: \(Self.describe(error))")
        }
    }

    /// Closes every connection; later calls throw ``StoreError/unavailable(_:)``.
    /// Closing twice is harmless.
    ///
    /// Waits for the reads and writes in progress to finish.
    public func close() async throws {
        // Best effort: refresh the planner's statistics for the next run.
        _ = try? await pool.writeWithoutTransaction { db in try db.execute(sql: "PRAGMA optimize") }
        do {
            try pool.close()
        } catch {
            throw translate(error, operation: "close")
        }
        if let temporaryDirectory {
            try? FileManager.default.removeItem(atPath: temporaryDirectory)
        }
        logger.debug("closed", metadata: ["path": "\(path)"])
    }
}
