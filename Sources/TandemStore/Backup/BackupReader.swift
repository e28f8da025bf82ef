// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation

/// Reads an archive, checking everything: the header, the order of the
/// sections, that every line decodes, the manifest's counts and SHA-256 sums,
/// and the end line's SHA-256 of the whole file.
///
/// ``next()`` returns the records one by one and, after the last, verifies the
/// totals; any inconsistency throws ``BackupError``.
final class BackupReader {
    private let path: String
    private let lines: LineReader
    private let decoder = JSONDecoder()
    private var lineNumber = 0
    private var fileHash = SHA256()
    private var sectionHash = SHA256()
    private var kind: StoreRecordKind?
    private var records = 0
    private var bytes = 0
    private var sections: [BackupManifest.Section] = []
    private(set) var manifest: BackupManifest?
    private var finished = false

    init(path: String) throws {
        self.path = path
        lines = try LineReader(path: path)
        guard let header = try readLine() else { throw BackupError("\(path) is empty: not a Tandem backup") }
        guard header.terminated, let text = String(bytes: header.line, encoding: .utf8), text.hasPrefix("tandem-backup ")
        else { throw BackupError("\(path) is not a Tandem backup (no 'tandem-backup' header)") }
        guard text == BackupFormat.header else {
            throw BackupError("\(path) has format \"\(text)\"; this Tandem reads \"\(BackupFormat.header)\"")
        }
    }

    /// Reads the whole archive and returns its manifest, or throws at the first problem.
    static func verify(path: String) throws -> BackupManifest {
        let reader = try BackupReader(path: path)
        while try reader.next() != nil {}
        // `next()` returned nil only after checking the manifest.
        return reader.manifest!
    }

    /// The next record, or `nil` once the archive has been read and verified.
    func next() throws -> StoreRecord? {
        guard !finished else { return nil }
        while let (line, terminated) = try readLine() {
            guard terminated else { throw truncated("line \(lineNumber) has no end of line") }
            if line.first == UInt8(ascii: "#") {
                if try control(line) { return nil }
                continue
            }
            guard let kind else { throw corrupt("line \(lineNumber) comes before any section") }
            let data = Data(line)
            let record: StoreRecord
            do {
                record = try BackupRecordCoding.decode(kind, data, with: decoder)
            } catch {
                throw corrupt("line \(lineNumber) (section \(kind.rawValue)) is not a valid record: \(error)")
            }
            sectionHash.update(data: data)
            sectionHash.update(data: Data([0x0A]))
            bytes += data.count + 1
            records += 1
            return record
        }
        throw truncated("it ends before its manifest and end line")
    }

    /// Handles a `#…` line; returns whether the archive is complete.
    private func control(_ line: ArraySlice<UInt8>) throws -> Bool {
        guard let text = String(bytes: line, encoding: .utf8) else { throw corrupt("line \(lineNumber) is not UTF-8") }
        if text.hasPrefix(BackupFormat.sectionPrefix) {
            let name = String(text.dropFirst(BackupFormat.sectionPrefix.count))
            guard let next = StoreRecordKind(rawValue: name) else { throw corrupt("unknown section \"\(name)\"") }
            let expected = StoreRecordKind.allCases[sections.count + (kind == nil ? 0 : 1)]
            guard next == expected else { throw corrupt("section \(name) where \(expected.rawValue) was expected") }
            closeSection()
            kind = next
            return false
        }
        if text.hasPrefix(BackupFormat.manifestPrefix) {
            closeSection()
            guard sections.count == StoreRecordKind.allCases.count else {
                throw corrupt("the manifest comes after \(sections.count) of \(StoreRecordKind.allCases.count) sections")
            }
            do {
                manifest = try decoder.decode(
                    BackupManifest.self, from: Data(text.dropFirst(BackupFormat.manifestPrefix.count).utf8))
            } catch {
                throw corrupt("the manifest does not decode: \(error)")
            }
            return false
        }
        if text.hasPrefix(BackupFormat.endPrefix) {
            return try end(String(text.dropFirst(BackupFormat.endPrefix.count)))
        }
        throw corrupt("line \(lineNumber) is an unknown marker")
    }

    private func end(_ expectedDigest: String) throws -> Bool {
        guard let manifest else { throw corrupt("the end line comes before the manifest") }
        guard fileHash.finalize().hexString == expectedDigest else {
            throw corrupt("the SHA-256 of the archive does not match its end line")
        }
        guard try readLine() == nil else { throw corrupt("there is data after the end line") }
        guard manifest.format == BackupFormat.version else {
            throw BackupError("the manifest has format \(manifest.format); this Tandem reads \(BackupFormat.version)")
        }
        for (found, listed) in zip(sections, manifest.sections) {
            guard found.kind == listed.kind else { throw corrupt("the manifest lists \(listed.kind) where \(found.kind) is") }
            guard found.records == listed.records else {
                throw corrupt(
                    "section \(found.kind.rawValue) holds \(found.records) records; the manifest says \(listed.records)")
            }
            guard found.bytes == listed.bytes, found.sha256 == listed.sha256 else {
                throw corrupt("section \(found.kind.rawValue) does not match its SHA-256 in the manifest")
            }
        }
        guard manifest.sections.count == sections.count else {
            throw corrupt("the manifest lists \(manifest.sections.count) sections")
        }
        finished = true
        return true
    }

    private func closeSection() {
        guard let kind else { return }
        sections.append(
            BackupManifest.Section(kind: kind, records: records, bytes: bytes, sha256: sectionHash.finalize().hexString))
        sectionHash = SHA256()
        records = 0
        bytes = 0
        self.kind = nil
    }

    /// The next line; every byte but the end line's feeds the file hash.
    private func readLine() throws -> (line: ArraySlice<UInt8>, terminated: Bool)? {
        guard let (line, terminated) = try lines.next() else { return nil }
        lineNumber += 1
        if !line.starts(with: BackupFormat.endPrefix.utf8) {
            fileHash.update(data: Data(line))
            if terminated { fileHash.update(data: Data([0x0A])) }
        }
        return (line, terminated)
    }

    private func corrupt(_ reason: String) -> BackupError {
        BackupError("\(path) is corrupt: \(reason)")
    }

    private func truncated(_ reason: String) -> BackupError {
        BackupError("\(path) is truncated: \(reason)")
    }
}
