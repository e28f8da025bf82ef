// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization

/// Backups of any ``TandemStore`` into a portable archive (``BackupFormat``),
/// and restores into any empty store: the same path moves data from SQLite to
/// MongoDB and back.
public enum StoreBackup {
    /// Exports every record of `store` into a new archive at `path`, written to
    /// `path.partial` and renamed when complete (a failed backup leaves no file
    /// at `path`). The file is readable by its owner only: it holds password
    /// and token hashes.
    @discardableResult
    public static func write(from store: any TandemStore, to path: String, now: Date = Date()) async throws -> BackupManifest {
        let partial = path + ".partial"
        try? FileManager.default.removeItem(atPath: partial)
        guard FileManager.default.createFile(atPath: partial, contents: nil, attributes: [.posixPermissions: 0o600]),
            let handle = FileHandle(forWritingAtPath: partial)
        else { throw BackupError("cannot create \(partial)") }
        do {
            let writer = try BackupWriter(handle: handle)
            let info = try await store.exportRecords { record in try writer.append(record) }
            let manifest = try writer.finish(store: info, createdAt: now)
            try handle.synchronize()
            try handle.close()
            if FileManager.default.fileExists(atPath: path) { try FileManager.default.removeItem(atPath: path) }
            try FileManager.default.moveItem(atPath: partial, toPath: path)
            return manifest
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
    }

    /// Reads the whole archive and checks it; returns its manifest.
    /// - Throws: ``BackupError`` naming the first problem.
    public static func verify(_ path: String) throws -> BackupManifest {
        try BackupReader.verify(path: path)
    }

    /// Verifies the archive, then imports it into `store`, which must be empty.
    /// A corrupt or truncated archive is refused before anything is written; the
    /// archive is checked again while importing, and a difference undoes the import.
    @discardableResult
    public static func restore(from path: String, into store: any TandemStore) async throws -> BackupManifest {
        let manifest = try verify(path)
        let reader = SharedReader(try BackupReader(path: path))
        let counts = try await store.importRecords { try reader.next() }
        for section in manifest.sections where (counts[section.kind] ?? 0) != section.records {
            throw BackupError("imported \(counts[section.kind] ?? 0) \(section.kind.rawValue), expected \(section.records)")
        }
        return manifest
    }
}

/// A ``BackupReader`` handed to a store's import, which pulls from its own
/// threads, one call at a time.
private final class SharedReader: Sendable {
    private let reader: Mutex<BackupReaderBox>

    init(_ reader: BackupReader) {
        self.reader = Mutex(BackupReaderBox(reader: reader))
    }

    func next() throws -> StoreRecord? {
        try reader.withLock { try $0.reader.next() }
    }
}

/// `@unchecked Sendable`: the reader is only reached through ``SharedReader``'s mutex.
private struct BackupReaderBox: @unchecked Sendable {
    let reader: BackupReader
}
