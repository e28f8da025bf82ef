// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import Logging
import TandemCore
import TandemStore
import TandemStoreSQLite
import Testing

/// The conformance suite and the SQLite-only behaviours, each on its own temporary file.
@Suite("SQLiteStore")
struct SQLiteStoreTests {
    /// Quiet: several tests provoke errors on purpose, which the store logs.
    static let logger = Logger(label: "tandem.tests.sqlite") { _ in SwiftLogNoOpLogHandler() }

    static let factory = ConformanceStoreFactory(name: "sqlite") {
        try SQLiteStore.temporary(logger: logger)
    }

    @Test("conformance", arguments: StoreConformanceCheck.allCases)
    func conformance(_ check: StoreConformanceCheck) async throws {
        try await check.run(Self.factory)
    }

    @Test("outbox conformance", arguments: OutboxConformanceCheck.allCases)
    func outboxConformance(_ check: OutboxConformanceCheck) async throws {
        try await check.run(Self.factory)
    }

    // MARK: - SQLite only

    @Test func dataSurvivesCloseAndReopen() async throws {
        try await withScratchDirectory { directory in
            // The parent directory does not exist yet: the store makes it.
            let path = directory + "/nested/deeper/tandem.sqlite"
            var fixtures = Fixtures()
            let ada = fixtures.user(name: "Ada 🧮")
            let team = fixtures.team(members: [TeamMember(userID: ada.id, role: .supervisor)])
            let session = fixtures.session(for: ada.id)

            let first = try SQLiteStore(path: path, logger: Self.logger)
            try await first.migrate()
            try await first.createUser(ada)
            try await first.createTeam(team)
            try await first.createSession(session)
            try await first.close()

            let second = try SQLiteStore(path: path, logger: Self.logger)
            try await second.migrate()
            #expect(try await second.user(id: ada.id) == ada)
            #expect(try await second.team(id: team.id) == team)
            #expect(try await second.session(id: session.id) == session)
            #expect(try await second.countUsers() == 1)
            try await second.close()
        }
    }

    @Test func migrateIsIdempotent() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        try await store.createUser(ada)
        try await store.migrate()
        try await store.migrate()
        #expect(try await store.user(id: ada.id) == ada)
        #expect(
            try await store.diagnostics().appliedMigrations == [
                "v1-identity", "v2-tickets", "v3-retention", "v4-pending-replies", "v5-jobs", "v6-mail", "v7-attachments",
                "v8-desk",
            ])
        try await store.close()
    }

    @Test func walModeAndForeignKeys() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        let diagnostics = try await store.diagnostics()
        #expect(diagnostics.journalMode == "wal")
        #expect(diagnostics.foreignKeysEnabled)
        #expect(FileManager.default.fileExists(atPath: store.path + "-wal"))

        // Enforced by SQLite itself: the store names the missing user.
        var fixtures = Fixtures()
        let team = fixtures.team(members: [TeamMember(userID: UserID("usr_nobody"), role: .agent)])
        await #expect(throws: StoreError.notFound(kind: "user", id: "usr_nobody")) {
            try await store.createTeam(team)
        }
        try await store.close()
    }

    @Test func unmigratedStoreReportsUnavailable() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.ping()
        let error = await #expect(throws: StoreError.self) { _ = try await store.countUsers() }
        #expect(error.map(isUnavailable) == true, "got \(String(describing: error))")
        try await store.close()
    }

    @Test func closedStoreReportsUnavailable() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        try await store.ping()
        let directory = (store.path as NSString).deletingLastPathComponent
        try await store.close()
        try await store.close()  // twice is harmless
        #expect(!FileManager.default.fileExists(atPath: directory), "temporary() files are removed on close")

        var fixtures = Fixtures()
        let ping = await #expect(throws: StoreError.self) { try await store.ping() }
        #expect(ping.map(isUnavailable) == true)
        let read = await #expect(throws: StoreError.self) { _ = try await store.user(id: UserID("usr_x")) }
        #expect(read.map(isUnavailable) == true)
        let write = await #expect(throws: StoreError.self) { try await store.createUser(fixtures.user()) }
        #expect(write.map(isUnavailable) == true)
    }

    @Test func lockedDatabaseReportsUnavailableAfterBusyTimeout() async throws {
        try await withScratchDirectory { directory in
            let path = directory + "/tandem.sqlite"
            let store = try SQLiteStore(
                path: path, configuration: .init(busyTimeout: .milliseconds(100)), logger: Self.logger
            )
            try await store.migrate()
            // Another process (here, another connection) holds the write lock.
            var configuration = GRDB.Configuration()
            configuration.allowsUnsafeTransactions = true
            let other = try DatabaseQueue(path: path, configuration: configuration)
            try await other.writeWithoutTransaction { db in try db.execute(sql: "BEGIN IMMEDIATE") }

            var fixtures = Fixtures()
            let clock = ContinuousClock()
            let started = clock.now
            let error = await #expect(throws: StoreError.self) { try await store.createUser(fixtures.user()) }
            #expect(error.map(isUnavailable) == true, "got \(String(describing: error))")
            #expect(clock.now - started >= .milliseconds(90), "waited for the busy timeout")
            // Readers are not blocked by a writer in WAL mode.
            #expect(try await store.countUsers() == 0)

            try await other.writeWithoutTransaction { db in try db.execute(sql: "ROLLBACK") }
            try other.close()
            try await store.createUser(fixtures.user())
            #expect(try await store.countUsers() == 1)
            try await store.close()
        }
    }

    @Test func undecodableRowsReportCorrupt() async throws {
        try await withScratchDirectory { directory in
            let path = directory + "/tandem.sqlite"
            var fixtures = Fixtures()
            let ada = fixtures.user()
            let store = try SQLiteStore(path: path, logger: Self.logger)
            try await store.migrate()
            try await store.createUser(ada)
            try await store.close()

            // Someone edits the file by hand, bypassing the CHECK constraint.
            let other = try DatabaseQueue(path: path)
            try await other.writeWithoutTransaction { db in
                try db.execute(sql: "PRAGMA ignore_check_constraints = ON")
                try db.execute(sql: "UPDATE users SET role = 'wizard'")
            }
            try other.close()

            let reopened = try SQLiteStore(path: path, logger: Self.logger)
            try await reopened.migrate()
            for operation in [
                { _ = try await reopened.user(id: ada.id) },
                { _ = try await reopened.listUsers(UserFilter(), page: PageRequest()) },
            ] as [@Sendable () async throws -> Void] {
                let error = await #expect(throws: StoreError.self) { try await operation() }
                guard case .corrupt(let reason) = error else {
                    Issue.record("expected corrupt, got \(String(describing: error))")
                    continue
                }
                #expect(reason.contains("wizard"))
            }
            try await reopened.close()
        }
    }

    @Test func searchMatchesCanonicallyEquivalentText() async throws {
        let store = try SQLiteStore.temporary(logger: Self.logger)
        try await store.migrate()
        var fixtures = Fixtures()
        let precomposed = fixtures.user(name: "Jos\u{E9} N\u{FA}\u{F1}ez")
        let decomposed = fixtures.user(name: "Jose\u{301} Nu\u{301}n\u{303}ez")
        try await store.createUser(precomposed)
        try await store.createUser(decomposed)
        for query in ["JOS\u{C9}", "jose\u{301}", "N\u{DA}\u{D1}EZ"] {
            let found = try await store.listUsers(UserFilter(query: query), page: PageRequest()).items.map(\.id)
            #expect(found == [precomposed.id, decomposed.id], "query \(query)")
        }
        // A `%` followed by a combining mark is still a literal `%`.
        #expect(try await store.listUsers(UserFilter(query: "%\u{301}"), page: PageRequest()).items.isEmpty)
        try await store.close()
    }

    // MARK: - Helpers

    func isUnavailable(_ error: StoreError) -> Bool {
        if case .unavailable = error { return true }
        return false
    }

    func withScratchDirectory(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("tandem-tests-\(UUID().uuidString)", isDirectory: true).path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(directory)
    }
}
