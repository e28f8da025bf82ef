// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemStore
import TandemStoreMongo
import TandemTestSupport
import Testing

/// The attachment record and storage conformance suites against every implementation.
@Suite("Attachments")
struct AttachmentTests {
    @Test("records: sqlite", arguments: AttachmentStoreCheck.allCases)
    func sqliteRecords(_ check: AttachmentStoreCheck) async throws {
        try await check.run(SQLiteStoreTests.factory)
    }

    @Test("records: mongodb", .enabled(if: MongoTestEnvironment.enabled), arguments: AttachmentStoreCheck.allCases)
    func mongoRecords(_ check: AttachmentStoreCheck) async throws {
        try await check.run(MongoTestEnvironment.factory)
    }

    @Test("storage: local directory", arguments: AttachmentStorageCheck.allCases)
    func localStorage(_ check: AttachmentStorageCheck) async throws {
        let directory = try TemporaryDirectory()
        try await check.run(AttachmentStorageFactory(name: "local") { try LocalAttachmentStorage(root: directory.path) })
        withExtendedLifetime(directory) {}
    }

    @Test("storage: in memory", arguments: AttachmentStorageCheck.allCases)
    func memoryStorage(_ check: AttachmentStorageCheck) async throws {
        try await check.run(
            AttachmentStorageFactory(name: "memory") {
                InMemoryAttachmentStorage { Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000)) }
            })
    }

    @Test("storage: GridFS", .enabled(if: MongoTestEnvironment.enabled), arguments: AttachmentStorageCheck.allCases)
    func gridFSStorage(_ check: AttachmentStorageCheck) async throws {
        let store = try MongoTestEnvironment.temporaryStore()
        try await store.migrate()
        do {
            try await check.run(AttachmentStorageFactory(name: "gridfs") { store.gridFSAttachmentStorage })
        } catch {
            try? await store.close()
            throw error
        }
        try await store.close()
    }

    /// A killed upload leaves a `.part` file, never a file under an address.
    @Test func aKilledLocalUploadLeavesNoVisibleFile() async throws {
        let directory = try TemporaryDirectory()
        let storage = try LocalAttachmentStorage(root: directory.path)
        let upload = try await storage.beginUpload()
        try await upload.write(AttachmentStorageCheck.bytes)
        let objects = try FileManager.default.subpathsOfDirectory(atPath: directory.path + "/objects")
        #expect(objects.isEmpty)
        let parts = try FileManager.default.contentsOfDirectory(atPath: directory.path + "/uploads")
        #expect(parts.count == 1 && parts[0].hasSuffix(".part"))
        await upload.abort()
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path + "/uploads").isEmpty)
    }

    @Test func fileNamesAreMadeSafe() throws {
        #expect(try AttachmentName.sanitize("../../etc/passwd") == "passwd")
        #expect(try AttachmentName.sanitize("C:\\Windows\\system32\\evil.exe") == "evil.exe")
        #expect(try AttachmentName.sanitize("a\u{0}b\r\n\tc.txt") == "abc.txt")
        #expect(try AttachmentName.sanitize("invoice\u{202E}fdp.exe") == "invoicefdp.exe")
        #expect(try AttachmentName.sanitize("  .hidden. ") == "hidden")
        #expect(try AttachmentName.sanitize("Écran 📸.png") == "Écran 📸.png")
        let long = String(repeating: "x", count: 500) + ".tar.gz"
        let cut = try AttachmentName.sanitize(long)
        #expect(cut.unicodeScalars.count == AttachmentName.maxScalars && cut.hasSuffix(".gz"))
        for bad in ["", "../", "\u{1}\u{2}", " . ", "dir/"] {
            #expect(throws: ValidationError.self, "\(bad.debugDescription)") { try AttachmentName.sanitize(bad) }
        }
    }
}
