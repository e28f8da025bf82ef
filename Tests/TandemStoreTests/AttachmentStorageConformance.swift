// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemStore
import Testing

/// Makes a fresh, empty attachment storage on every call.
struct AttachmentStorageFactory: Sendable {
    var name: String
    var make: @Sendable () async throws -> any AttachmentStorage
}

/// One behaviour every ``AttachmentStorage`` must have: local directory, in memory, GridFS.
enum AttachmentStorageCheck: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case roundTripAndAddress
    case sameBytesStoredOnce
    case ranges
    case uncommittedIsInvisible
    case abandonedUploadsAreRemoved
    case deleteAndList
    case orphanSweep

    var testDescription: String { rawValue }

    /// A day from now: later than any commit of a test (and a date every server stores).
    static var farFuture: Timestamp {
        Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000) + 86_400_000)
    }

    /// Bytes spanning several storage chunks, with a pattern so misplaced ranges show.
    static let bytes: [UInt8] = (0..<(700 << 10)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 9) }

    static func collect(_ stream: AsyncThrowingStream<[UInt8], any Error>) async throws -> [UInt8] {
        var all: [UInt8] = []
        for try await chunk in stream {
            #expect(chunk.count <= chunkBytes)
            all += chunk
        }
        return all
    }

    /// Writes `bytes` in pieces of uneven sizes.
    static func upload(_ bytes: [UInt8], to storage: any AttachmentStorage) async throws -> any AttachmentUpload {
        let upload = try await storage.beginUpload()
        var offset = 0
        var piece = 1000
        while offset < bytes.count {
            let end = min(offset + piece, bytes.count)
            try await upload.write(Array(bytes[offset..<end]))
            offset = end
            piece = piece * 3 % 200_000 + 7
        }
        return upload
    }

    func run(_ factory: AttachmentStorageFactory) async throws {
        let storage = try await factory.make()
        let bytes = Self.bytes
        let address = ContentAddress.of(bytes)
        switch self {
        case .roundTripAndAddress:
            let upload = try await Self.upload(bytes, to: storage)
            #expect(await upload.size == Int64(bytes.count))
            let blob = try await upload.commit()
            #expect(blob == StoredBlob(address: address, size: Int64(bytes.count), created: true))
            #expect(try await storage.size(of: address) == Int64(bytes.count))
            #expect(try await Self.collect(storage.read(address, range: 0..<Int64(bytes.count))) == bytes)
            await #expect(throws: AttachmentStorageError.finished) { try await upload.write([1]) }
        case .sameBytesStoredOnce:
            let first = try await Self.upload(bytes, to: storage).commit()
            let second = try await Self.upload(bytes, to: storage).commit()
            #expect(first.created && !second.created && first.address == second.address)
            #expect(try await storage.addresses(committedBefore: Self.farFuture) == [address])
        case .ranges:
            _ = try await storage.put(bytes)
            let size = Int64(bytes.count)
            for range in [0..<1, 5..<300_000, 261_119..<261_121, size - 10..<size, 0..<size, 300_000..<300_000] {
                let read = try await Self.collect(storage.read(address, range: range))
                #expect(read == Array(bytes[Int(range.lowerBound)..<Int(range.upperBound)]), "\(range)")
            }
            await #expect(throws: AttachmentStorageError.rangeNotSatisfiable(size: size)) {
                _ = try await Self.collect(storage.read(address, range: size..<size + 1))
            }
            let missing = ContentAddress.of([9, 9, 9])
            await #expect(throws: AttachmentStorageError.notFound(missing)) {
                _ = try await Self.collect(storage.read(missing, range: 0..<1))
            }
            #expect(try await storage.size(of: missing) == nil)
        case .uncommittedIsInvisible:
            let upload = try await Self.upload(bytes, to: storage)
            #expect(try await storage.size(of: address) == nil)
            #expect(try await storage.addresses(committedBefore: Self.farFuture).isEmpty)
            await upload.abort()
            await upload.abort()
            #expect(try await storage.size(of: address) == nil)
            await #expect(throws: AttachmentStorageError.finished) { _ = try await upload.commit() }
        case .abandonedUploadsAreRemoved:
            // An upload never committed nor aborted, as a killed process leaves it.
            let upload = try await Self.upload(bytes, to: storage)
            let far = Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000) + 60_000)
            #expect(try await storage.removeAbandonedUploads(startedBefore: Timestamp(millisecondsSince1970: 0)) == 0)
            #expect(try await storage.removeAbandonedUploads(startedBefore: far) == 1)
            #expect(try await storage.removeAbandonedUploads(startedBefore: far) == 0)
            #expect(try await storage.size(of: address) == nil)
            withExtendedLifetime(upload) {}
        case .deleteAndList:
            let a = try await storage.put(Array("first".utf8))
            let b = try await storage.put(Array("second".utf8))
            let all = Self.farFuture
            #expect(try await storage.addresses(committedBefore: all) == [a.address, b.address])
            #expect(try await storage.addresses(committedBefore: Timestamp(millisecondsSince1970: 0)).isEmpty)
            try await storage.delete(a.address)
            try await storage.delete(a.address)
            #expect(try await storage.addresses(committedBefore: all) == [b.address])
            #expect(try await storage.size(of: a.address) == nil)
        case .orphanSweep:
            let named = try await storage.put(Array("named".utf8))
            let orphan = try await storage.put(Array("orphan".utf8))
            let store = NamedAddresses([named.address.sha256])
            let sweep = OrphanSweep(store: store, storage: storage)
            let now = Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000))
            // Within the grace period both stay (a record may be about to name the orphan).
            #expect(try await sweep.run(now: now, grace: 3_600_000) == .init(orphans: 0, abandonedUploads: 0))
            let later = now.adding(milliseconds: 60_000)
            #expect(try await sweep.run(now: later, grace: 1_000) == .init(orphans: 1, abandonedUploads: 0))
            #expect(try await storage.size(of: orphan.address) == nil)
            #expect(try await storage.size(of: named.address) == 5)
        }
    }
}

/// An ``AttachmentStore`` that only answers which addresses records name.
private struct NamedAddresses: AttachmentStore {
    let names: Set<String>
    init(_ names: Set<String>) { self.names = names }
    func addAttachment(_ attachment: TandemCore.Attachment, ticketQuota: Int64) async throws -> AttachmentAdmission { .added }
    func attachment(id: AttachmentID) async throws -> TandemCore.Attachment? { nil }
    func attachments(ticket: TicketID) async throws -> [TandemCore.Attachment] { [] }
    func moveDraftAttachments(
        ticket: TicketID, to comment: CommentID, visibility: Visibility
    ) async throws -> [TandemCore.Attachment] {
        []
    }
    func deleteAttachment(id: AttachmentID) async throws -> TandemCore.Attachment? { nil }
    func deleteAttachments(ticket: TicketID) async throws {}
    func attachmentAddresses() async throws -> Set<String> { names }
}
