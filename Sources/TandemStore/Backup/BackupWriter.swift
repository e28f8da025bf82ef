// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation
import Synchronization

/// Streams records into an archive file (see ``BackupFormat``).
///
/// The store's export calls ``append(_:)`` one record at a time, possibly from
/// different threads (never concurrently); the state sits behind a mutex.
final class BackupWriter: Sendable {
    private struct State {
        var handle: FileHandle
        var fileHash = SHA256()
        var sectionHash = SHA256()
        var current: Int = -1  // index in StoreRecordKind.allCases of the open section
        var records = 0
        var bytes = 0
        var sections: [BackupManifest.Section] = []
        let encoder = BackupRecordCoding.encoder()
    }

    private let state: Mutex<State>

    init(handle: FileHandle) throws {
        var state = State(handle: handle)
        try Self.write(Data((BackupFormat.header + "\n").utf8), to: &state, inSection: false)
        self.state = Mutex(state)
    }

    /// Writes one record, opening its section (and any empty ones before it).
    func append(_ record: StoreRecord) throws {
        try state.withLock { state in
            let kinds = StoreRecordKind.allCases
            guard let index = kinds.firstIndex(of: record.kind), index >= state.current else {
                throw BackupError("the store exported \(record.kind.rawValue) after a later kind")
            }
            while state.current < index { try Self.openNext(&state) }
            var line = try BackupRecordCoding.encode(record, with: state.encoder)
            line.append(0x0A)
            try Self.write(line, to: &state, inSection: true)
            state.records += 1
        }
    }

    /// Closes the last sections and writes the manifest and the end line.
    func finish(store info: StoreExportInfo, createdAt: Date) throws -> BackupManifest {
        try state.withLock { state in
            while state.current < StoreRecordKind.allCases.count { try Self.openNext(&state) }
            let formatter = ISO8601DateFormatter()
            formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
            let manifest = BackupManifest(
                format: BackupFormat.version, createdAt: formatter.string(from: createdAt),
                createdAtMilliseconds: Int64((createdAt.timeIntervalSince1970 * 1000).rounded()),
                store: info.store, consistency: info.consistency, sections: state.sections)
            var line = Data(BackupFormat.manifestPrefix.utf8)
            line.append(try state.encoder.encode(manifest))
            line.append(0x0A)
            try Self.write(line, to: &state, inSection: false)
            let digest = state.fileHash.finalize().hexString
            try state.handle.write(contentsOf: Data((BackupFormat.endPrefix + digest + "\n").utf8))
            return manifest
        }
    }

    /// Closes the open section (recording it for the manifest) and opens the next kind,
    /// or none after the last.
    private static func openNext(_ state: inout State) throws {
        let kinds = StoreRecordKind.allCases
        if state.current >= 0 {
            state.sections.append(
                BackupManifest.Section(
                    kind: kinds[state.current], records: state.records, bytes: state.bytes,
                    sha256: state.sectionHash.finalize().hexString))
        }
        state.current += 1
        state.sectionHash = SHA256()
        state.records = 0
        state.bytes = 0
        if state.current < kinds.count {
            try write(
                Data((BackupFormat.sectionPrefix + kinds[state.current].rawValue + "\n").utf8), to: &state, inSection: false)
        }
    }

    private static func write(_ data: Data, to state: inout State, inSection: Bool) throws {
        try state.handle.write(contentsOf: data)
        state.fileHash.update(data: data)
        if inSection {
            state.sectionHash.update(data: data)
            state.bytes += data.count
        }
    }
}

extension Digest {
    /// Lower-case hexadecimal.
    var hexString: String {
        map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}
