// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import TandemCore
import TandemMongo
import TandemStore

/// Attachment bytes in MongoDB, in the GridFS layout (`<bucket>.files`, `<bucket>.chunks`), so
/// that every node of a cluster serves every file and `mongofiles` or any driver's GridFS can
/// read them.
///
/// An upload writes its chunks (`{files_id, n, data}`) as they fill, under an upload id
/// `<start ms>-<uuid>`; ``AttachmentUpload/commit()`` then inserts the files document, whose
/// `filename` is the SHA-256 (unique index). Readers find bytes only through a files document,
/// so a killed upload leaves chunks nobody sees; ``removeAbandonedUploads(startedBefore:)``
/// removes them (uploads under way are listed in `<bucket>Uploads`). The same bytes uploaded twice (even at once) keep one files document: the
/// loser of the unique index removes its chunks.
public struct GridFSAttachmentStorage: AttachmentStorage {
    /// GridFS' default chunk size.
    public static let chunkSize = 255 << 10

    let files: MongoCollection
    let chunks: MongoCollection
    /// Uploads under way, `{_id: upload id, startedAt}`: what the sweep looks at, so it never
    /// scans chunks (and a GridFS emulation that hides chunks without a files document, as
    /// nx-27017's does, still has its abandoned uploads removed).
    let uploads: MongoCollection

    public init(client: MongoClient, database: String? = nil, bucket: String = "attachments") {
        files = client.collection("\(bucket).files", database: database)
        chunks = client.collection("\(bucket).chunks", database: database)
        uploads = client.collection("\(bucket)Uploads", database: database)
    }

    /// The specification's index of chunks.
    static let chunksIndexes = [MongoIndex("files_id_1_n_1", keys: ["files_id": 1, "n": 1], unique: true)]
    /// The specification's index of files, and the uniqueness of an address.
    static let filesIndexes = [
        MongoIndex("filename_1_uploadDate_1", keys: ["filename": 1, "uploadDate": 1]),
        MongoIndex("attachments_address", keys: ["filename": 1], unique: true),
    ]

    /// Creates the GridFS indexes (`MongoStore.migrate()` does it for the store's database).
    public func createIndexes() async throws(AttachmentStorageError) {
        try await mongo {
            try await chunks.createIndexes(Self.chunksIndexes)
            try await files.createIndexes(Self.filesIndexes)
        }
    }

    public func beginUpload() async throws(AttachmentStorageError) -> any AttachmentUpload {
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        let id = "\(millis)-\(UUID().uuidString)"
        try await mongo { try await uploads.insertOne(["_id": .string(id), "startedAt": .int64(millis)]) }
        return GridFSUpload(storage: self, id: id)
    }

    func filesDocument(_ address: ContentAddress) async throws(AttachmentStorageError) -> BSONDocument? {
        try await mongo { try await files.findOne(["filename": .string(address.sha256)]) }
    }

    public func size(of address: ContentAddress) async throws(AttachmentStorageError) -> Int64? {
        try await filesDocument(address).map { $0["length"]?.int64Value ?? 0 }
    }

    public func read(_ address: ContentAddress, range: Range<Int64>) -> AsyncThrowingStream<[UInt8], any Error> {
        let position = Mutex<(file: BSON?, at: Int64)?>(nil)
        return AsyncThrowingStream { () async throws -> [UInt8]? in
            var current = position.withLock { $0 }
            if current == nil {
                guard let file = try await filesDocument(address) else { throw AttachmentStorageError.notFound(address) }
                let length = file["length"]?.int64Value ?? 0
                guard range.upperBound <= length else { throw AttachmentStorageError.rangeNotSatisfiable(size: length) }
                current = (file["_id"], range.lowerBound)
            }
            guard let (id, at) = current, let id, at < range.upperBound else { return nil }
            let chunkSize = Int64(Self.chunkSize)
            let n = at / chunkSize
            guard let chunk = try await mongo({ try await chunks.findOne(["files_id": id, "n": .int32(Int32(n))]) }),
                case .binary(let data)? = chunk["data"]
            else { throw AttachmentStorageError.io("GridFS chunk \(n) of \(address) is missing") }
            let from = Int(at - n * chunkSize)
            let to = Int(min(Int64(data.bytes.count), range.upperBound - n * chunkSize))
            guard from < to else { throw AttachmentStorageError.io("GridFS chunk \(n) of \(address) is short") }
            position.withLock { $0 = (id, n * chunkSize + Int64(to)) }
            return Array(data.bytes[from..<to])
        }
    }

    public func delete(_ address: ContentAddress) async throws(AttachmentStorageError) {
        guard let file = try await filesDocument(address), let id = file["_id"] else { return }
        try await mongo {
            // The files document first: from then on no reader finds the chunks.
            try await files.deleteMany(["_id": id])
            try await chunks.deleteMany(["files_id": id])
        }
    }

    public func addresses(committedBefore cutoff: Timestamp) async throws(AttachmentStorageError) -> Set<ContentAddress> {
        let filter: BSONDocument = ["uploadDate": ["$lt": .datetime(cutoff.millisecondsSince1970)]]
        let documents = try await mongo { try await files.find(filter, options: MongoFindOptions(projection: ["filename": 1])) }
        return Set(documents.compactMap { $0["filename"]?.stringValue.flatMap(ContentAddress.init(hex:)) })
    }

    public func removeAbandonedUploads(startedBefore cutoff: Timestamp) async throws(AttachmentStorageError) -> Int {
        try await mongo {
            let abandoned = try await uploads.find(["startedAt": ["$lt": .int64(cutoff.millisecondsSince1970)]])
            for upload in abandoned {
                guard let id = upload["_id"] else { continue }
                // Chunks first: a sweep that dies half way finds the upload again next time.
                try await chunks.deleteMany(["files_id": id])
                try await uploads.deleteMany(["_id": id])
            }
            return abandoned.count
        }
    }

    /// Runs MongoDB calls, reporting their failures as ``AttachmentStorageError/io(_:)``.
    func mongo<T>(_ body: () async throws -> T) async throws(AttachmentStorageError) -> T {
        do {
            return try await body()
        } catch let error as AttachmentStorageError {
            throw error
        } catch let error as MongoError {
            throw .io("MongoDB: \(error.message)")
        } catch {
            throw .io("MongoDB: \(error)")
        }
    }
}

/// An upload's chunks, written to `<bucket>.chunks` as each fills.
final class GridFSUpload: AttachmentUpload {
    private struct State {
        var pending: [UInt8] = []
        var next: Int32 = 0
        var digest = UploadDigest()
        var finished = false
        var busy = false
    }

    private let storage: GridFSAttachmentStorage
    private let id: String
    private let state = Mutex(State())

    init(storage: GridFSAttachmentStorage, id: String) {
        self.storage = storage
        self.id = id
    }

    var size: Int64 { state.withLock { $0.digest.size } }

    func write(_ bytes: [UInt8]) async throws(AttachmentStorageError) {
        let full = try state.withLock { state throws(AttachmentStorageError) -> [(Int32, [UInt8])] in
            guard !state.finished else { throw .finished }
            state.digest.update(bytes)
            state.pending += bytes
            var full: [(Int32, [UInt8])] = []
            while state.pending.count >= GridFSAttachmentStorage.chunkSize {
                full.append((state.next, Array(state.pending.prefix(GridFSAttachmentStorage.chunkSize))))
                state.pending.removeFirst(GridFSAttachmentStorage.chunkSize)
                state.next += 1
            }
            return full
        }
        do {
            for (n, data) in full { try await insertChunk(n, data) }
        } catch {
            await abort()
            throw error
        }
    }

    private func insertChunk(_ n: Int32, _ data: [UInt8]) async throws(AttachmentStorageError) {
        let document: BSONDocument = ["files_id": .string(id), "n": .int32(n), "data": .binary(BSONBinary(bytes: data))]
        try await storage.mongo { try await storage.chunks.insertOne(document) }
    }

    func commit() async throws(AttachmentStorageError) -> StoredBlob {
        let (last, n, digest) = try state.withLock { state throws(AttachmentStorageError) in
            guard !state.finished else { throw .finished }
            state.finished = true
            return (state.pending, state.next, state.digest)
        }
        let address = digest.finish()
        do throws(AttachmentStorageError) {
            if !last.isEmpty { try await insertChunk(n, last) }
            if try await storage.filesDocument(address) != nil {
                try await touch(address)
                try await removeChunks()
                try await forget()
                return StoredBlob(address: address, size: digest.size, created: false)
            }
            let file: BSONDocument = [
                "_id": .string(id), "length": .int64(digest.size), "chunkSize": .int32(Int32(GridFSAttachmentStorage.chunkSize)),
                "uploadDate": .datetime(Int64(Date().timeIntervalSince1970 * 1000)), "filename": .string(address.sha256),
                "metadata": ["sha256": .string(address.sha256)],
            ]
            let inserted = try await storage.mongo { () async throws -> Bool in
                do {
                    try await storage.files.insertOne(file)
                    return true
                } catch let error as MongoError where error.kind == .duplicateKey {
                    // Someone committed the same bytes meanwhile: theirs stay, these go.
                    return false
                }
            }
            if !inserted {
                try await touch(address)
                try await removeChunks()
            }
            try await forget()
            return StoredBlob(address: address, size: digest.size, created: inserted)
        } catch {
            try? await removeChunks()
            try? await forget()
            throw error
        }
    }

    /// Committed again: the orphan sweep counts its age from now.
    private func touch(_ address: ContentAddress) async throws(AttachmentStorageError) {
        let now = BSON.datetime(Int64(Date().timeIntervalSince1970 * 1000))
        try await storage.mongo {
            _ = try await storage.files.updateOne(["filename": .string(address.sha256)], ["$set": ["uploadDate": now]])
        }
    }

    /// The upload is over: no longer one for the sweep.
    private func forget() async throws(AttachmentStorageError) {
        let id = id
        try await storage.mongo { _ = try await storage.uploads.deleteMany(["_id": .string(id)]) }
    }

    private func removeChunks() async throws(AttachmentStorageError) {
        let id = id
        try await storage.mongo { _ = try await storage.chunks.deleteMany(["files_id": .string(id)]) }
    }

    func abort() async {
        let first = state.withLock { state in
            defer { state.finished = true }
            return !state.finished
        }
        if first {
            try? await removeChunks()
            try? await forget()
        }
    }
}
