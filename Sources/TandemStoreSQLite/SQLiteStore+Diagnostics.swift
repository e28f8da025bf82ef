// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemStore

/// What the SQLite store reports about itself, for health pages and tests.
public struct SQLiteDiagnostics: Sendable, Hashable {
    /// `PRAGMA journal_mode` of the writer connection; `wal` in normal operation.
    public var journalMode: String
    /// `PRAGMA synchronous` of the writer connection: `full` in normal operation
    /// (one of `off`, `normal`, `full`, `extra`).
    public var synchronous: String
    /// Whether the writer connection enforces foreign keys.
    public var foreignKeysEnabled: Bool
    /// The migrations applied to the file, in order.
    public var appliedMigrations: [String]
    /// The SQLite library version.
    public var sqliteVersion: String
}

extension SQLiteStore {
    /// Reads the journal mode, sync level, foreign-key enforcement and schema
    /// version from the writer connection.
    public func diagnostics() async throws -> SQLiteDiagnostics {
        do {
            return try await pool.writeWithoutTransaction { db in
                SQLiteDiagnostics(
                    journalMode: try String.fetchOne(db, sql: "PRAGMA journal_mode") ?? "",
                    synchronous: Self.synchronousName(try Int.fetchOne(db, sql: "PRAGMA synchronous")),
                    foreignKeysEnabled: try Bool.fetchOne(db, sql: "PRAGMA foreign_keys") ?? false,
                    appliedMigrations: try SQLiteMigrations.migrator.appliedMigrations(db),
                    sqliteVersion: try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? ""
                )
            }
        } catch {
            throw translate(error, operation: "diagnostics")
        }
    }

    private static func synchronousName(_ level: Int?) -> String {
        switch level {
        case 0: "off"
        case 1: "normal"
        case 2: "full"
        case 3: "extra"
        default: "unknown (\(level.map(String.init) ?? "nil"))"
        }
    }
}
