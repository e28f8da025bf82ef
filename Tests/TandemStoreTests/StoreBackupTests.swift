// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemStore
import TandemStoreMongo
import TandemStoreSQLite
import Testing

/// Backup and restore through the portable archive, on both stores and across them.
@Suite("Backup and restore")
struct StoreBackupTests {
    @Test("round trip", arguments: MaintenanceStores.all)
    func roundTrip(_ factory: ConformanceStoreFactory) async throws {
        try await withArchive { path in
            var exported: [StoreRecord] = []
            try await MaintenanceStores.with(factory) { source in
                _ = try await PopulatedStore.populate(source)
                exported = try await PopulatedStore.records(of: source)
                let manifest = try await StoreBackup.write(from: source, to: path)
                #expect(manifest.store == factory.name)
                #expect(manifest.counts == [.users: 3, .teams: 2, .sessions: 2, .tickets: 2, .ticketOps: 3, .notifications: 2])
            }
            #expect(try StoreBackup.verify(path).sections.map(\.kind) == StoreRecordKind.allCases)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
            try await MaintenanceStores.with(factory) { target in
                try await StoreBackup.restore(from: path, into: target)
                let restored = try await PopulatedStore.records(of: target)
                #expect(restored == exported)
                #expect(try scalarExact(restored, exported))
                // The restored store works: tickets load (snapshot + the op after it).
                let ticket = try #require(exported.compactMap { if case .ticket(let t) = $0 { t } else { nil } }.first)
                #expect(try await target.loadTicket(id: ticket.id)?.ops.map(\.version) == [3])
                #expect(try await target.listTickets(TicketFilter(query: "ünïcödé"), page: PageRequest()).items.count == 1)
            }
        }
    }

    @Test("SQLite to MongoDB and back", .enabled(if: MongoTestEnvironment.enabled))
    func migrateBetweenStores() async throws {
        try await withArchive { path in
            var original: [StoreRecord] = []
            try await MaintenanceStores.with(SQLiteStoreTests.factory) { sqlite in
                _ = try await PopulatedStore.populate(sqlite)
                original = try await PopulatedStore.records(of: sqlite)
                try await StoreBackup.write(from: sqlite, to: path)
            }
            let back = path + ".back"
            defer { try? FileManager.default.removeItem(atPath: back) }
            try await MaintenanceStores.with(MongoTestEnvironment.factory) { mongo in
                try await StoreBackup.restore(from: path, into: mongo)
                #expect(try scalarExact(try await PopulatedStore.records(of: mongo), original))
                #expect(try await mongo.countUsers() == 3)
                try await StoreBackup.write(from: mongo, to: back)
            }
            try await MaintenanceStores.with(SQLiteStoreTests.factory) { sqlite in
                try await StoreBackup.restore(from: back, into: sqlite)
                #expect(try scalarExact(try await PopulatedStore.records(of: sqlite), original))
            }
        }
    }

    @Test("a corrupt or truncated archive is refused", arguments: MaintenanceStores.all)
    func damagedArchivesAreRefused(_ factory: ConformanceStoreFactory) async throws {
        try await withArchive { path in
            try await MaintenanceStores.with(factory) { source in
                _ = try await PopulatedStore.populate(source)
                try await StoreBackup.write(from: source, to: path)
            }
            let good = try Data(contentsOf: URL(fileURLWithPath: path))
            let text = String(decoding: good, as: UTF8.self)
            let damaged: [(String, Data)] = [
                ("truncated in the middle", good.prefix(good.count / 2)),
                ("truncated before the end line", Data(text[..<text.range(of: "#end")!.lowerBound].utf8)),
                ("cut in the end line", good.prefix(good.count - 10)),
                ("one byte changed in a record", Data(text.replacingOccurrences(of: "Première", with: "Premiere").utf8)),
                (
                    "a record removed",
                    Data(
                        text.replacingOccurrences(
                            of: text[text.range(of: "#section sessions\n")!.upperBound...].prefix { $0 != "\n" } + "\n", with: ""
                        ).utf8)
                ),
                ("data after the end", good + Data("{}\n".utf8)),
                ("not a backup", Data("{\"hello\": 1}\n".utf8)),
                ("empty", Data()),
                ("another format", Data(text.replacingOccurrences(of: "tandem-backup 1", with: "tandem-backup 9").utf8)),
            ]
            // One target for every attempt: each refusal must leave it empty.
            try await MaintenanceStores.with(factory) { target in
                for (what, data) in damaged {
                    let broken = path + ".broken"
                    try data.write(to: URL(fileURLWithPath: broken))
                    defer { try? FileManager.default.removeItem(atPath: broken) }
                    let error = await #expect(throws: BackupError.self, "\(what)") {
                        try await StoreBackup.restore(from: broken, into: target)
                    }
                    #expect(error?.message.contains(broken) == true, "\(what): \(String(describing: error))")
                    let remaining = try await PopulatedStore.records(of: target)
                    #expect(remaining.isEmpty, "\(what)")
                }
                // And the intact archive still restores into it.
                try await StoreBackup.restore(from: path, into: target)
                #expect(try await target.countUsers() == 3)
            }
        }
    }

    @Test("only an empty store accepts a restore", arguments: MaintenanceStores.all)
    func restoreNeedsAnEmptyTarget(_ factory: ConformanceStoreFactory) async throws {
        try await withArchive { path in
            try await MaintenanceStores.with(factory) { store in
                let populated = try await PopulatedStore.populate(store)
                try await StoreBackup.write(from: store, to: path)
                let before = try await PopulatedStore.records(of: store)
                let error = await #expect(throws: StoreImportError.self) {
                    try await StoreBackup.restore(from: path, into: store)
                }
                #expect(
                    error == .targetNotEmpty([.users: 3, .teams: 2, .sessions: 2, .tickets: 2, .ticketOps: 3, .notifications: 2]))
                #expect(try await PopulatedStore.records(of: store) == before)
                #expect(populated.users.count == 3)
            }
        }
    }

    /// The backup is one consistent snapshot even while a writer commits (SQLite),
    /// and always restorable: every exported snapshot is covered by the exported log.
    @Test("backup while writes go on", arguments: MaintenanceStores.all)
    func backupDuringWrites(_ factory: ConformanceStoreFactory) async throws {
        try await withArchive { path in
            try await MaintenanceStores.with(factory) { store in
                var fixtures = Fixtures()
                let ada = fixtures.user()
                try await store.createUser(ada)
                var ticket = fixtures.ticket(requester: ada.id)
                try await store.createTicket(ticket)
                let ops = (Int64(1)...200).map { version in
                    fixtures.op(.text(.internalNotes, .inserting("\(version);", at: 0)), version: version, author: ada.id)
                }
                let writer = Task {
                    for op in ops {
                        ticket = try ticket.applying([op])
                        try await store.commit(
                            ticket: ticket.id, ops: [op], snapshot: op.version.isMultiple(of: 10) ? ticket : nil)
                    }
                }
                try await Task.sleep(for: .milliseconds(50))
                try await StoreBackup.write(from: store, to: path)
                try await writer.value
            }
            try await MaintenanceStores.with(factory) { target in
                try await StoreBackup.restore(from: path, into: target)
                let tickets = try await target.listTickets(TicketFilter(), page: PageRequest()).items
                let first = try #require(tickets.first)
                let stored = try #require(try await target.loadTicket(id: first.id))
                // Replays cleanly: the log continues the snapshot.
                let replayed = try stored.snapshot.applying(stored.ops)
                #expect(replayed.version == stored.snapshot.version + Int64(stored.ops.count))
            }
        }
    }

    func withArchive(_ body: (String) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-backup-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try await body(directory.appendingPathComponent("tandem.backup").path)
    }
}
