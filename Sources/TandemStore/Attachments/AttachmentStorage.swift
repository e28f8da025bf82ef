// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Where attachment bytes live, addressed by their SHA-256 (records live in ``AttachmentStore``).
///
/// Implementations: ``LocalAttachmentStorage`` (a directory: the embedded default),
/// ``InMemoryAttachmentStorage`` (tests) and GridFS in `TandemStoreMongo` (clusters: every
/// node serves every file). One conformance suite runs against all of them.
///
/// Invariants every implementation keeps:
/// - Bytes become readable under their address only by ``AttachmentUpload/commit()``, whole:
///   an upload that is aborted, fails or whose process is killed is never visible.
/// - Committing bytes already stored stores nothing new (``StoredBlob/created`` is false).
/// - Nothing holds a whole upload in memory: bytes go to storage as they are written.
public protocol AttachmentStorage: Sendable {
    /// Starts an upload. Its bytes are invisible until ``AttachmentUpload/commit()``.
    func beginUpload() async throws(AttachmentStorageError) -> any AttachmentUpload
    /// The size of the bytes at `address`, or `nil` when nothing is stored there.
    func size(of address: ContentAddress) async throws(AttachmentStorageError) -> Int64?
    /// Reads `range` of the bytes at `address`, in order, in chunks of at most ``chunkBytes``,
    /// pulled one at a time (nothing is read ahead of the consumer).
    /// - Throws: (from the sequence) ``AttachmentStorageError/notFound(_:)``,
    ///   ``AttachmentStorageError/rangeNotSatisfiable(size:)`` for a range past the end.
    func read(_ address: ContentAddress, range: Range<Int64>) -> AsyncThrowingStream<[UInt8], any Error>
    /// Removes the bytes at `address`; nothing stored there is not an error.
    func delete(_ address: ContentAddress) async throws(AttachmentStorageError)
    /// Every address whose bytes were last committed before `cutoff` (for the orphan sweep).
    /// Committing bytes that are already stored counts as committing them again.
    func addresses(committedBefore cutoff: Timestamp) async throws(AttachmentStorageError) -> Set<ContentAddress>
    /// Removes what uploads begun before `cutoff` and never committed left behind (a killed
    /// process's partial files); returns how many uploads it removed.
    func removeAbandonedUploads(startedBefore cutoff: Timestamp) async throws(AttachmentStorageError) -> Int
}

/// The size of the chunks ``AttachmentStorage/read(_:range:)`` yields.
public let chunkBytes = 256 << 10

/// One upload under way. Call ``write(_:)`` in order, then ``commit()`` or ``abort()``, once.
public protocol AttachmentUpload: AnyObject, Sendable {
    /// Appends bytes. A full disk is ``AttachmentStorageError/io(_:)``, and the upload is then aborted.
    func write(_ bytes: [UInt8]) async throws(AttachmentStorageError)
    /// How many bytes were written so far.
    var size: Int64 { get async }
    /// Makes the bytes readable under their SHA-256, durably, or finds them already there.
    func commit() async throws(AttachmentStorageError) -> StoredBlob
    /// Throws the bytes away (idempotent; also after a failed write).
    func abort() async
}

/// Committed bytes.
public struct StoredBlob: Sendable, Hashable {
    public var address: ContentAddress
    public var size: Int64
    /// False when the same bytes were already stored (and nothing new was written).
    public var created: Bool

    public init(address: ContentAddress, size: Int64, created: Bool) {
        self.address = address
        self.size = size
        self.created = created
    }
}

/// Why attachment storage failed.
public enum AttachmentStorageError: Error, Sendable, Hashable {
    /// Nothing is stored at the address.
    case notFound(ContentAddress)
    /// The range starts past the end of bytes of this size.
    case rangeNotSatisfiable(size: Int64)
    /// The upload was already committed or aborted.
    case finished
    /// The disk or database failed (a full disk says so); nothing partial became visible.
    case io(String)
}

extension AttachmentStorage {
    /// Stores a whole sequence of chunks (an upload that fails is aborted).
    public func put(_ chunks: some AsyncSequence<[UInt8], Never>) async throws(AttachmentStorageError) -> StoredBlob {
        let upload = try await beginUpload()
        do {
            for await chunk in chunks { try await upload.write(chunk) }
            return try await upload.commit()
        } catch {
            await upload.abort()
            throw error
        }
    }

    /// Stores `bytes` (for small values such as thumbnails).
    public func put(_ bytes: [UInt8]) async throws(AttachmentStorageError) -> StoredBlob {
        let upload = try await beginUpload()
        do {
            try await upload.write(bytes)
            return try await upload.commit()
        } catch {
            await upload.abort()
            throw error
        }
    }

    /// Every byte at `address` (for small values; large ones are read in ranges).
    public func readAll(_ address: ContentAddress) async throws -> [UInt8] {
        guard let size = try await size(of: address) else { throw AttachmentStorageError.notFound(address) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(Int(size))
        for try await chunk in read(address, range: 0..<size) { bytes += chunk }
        return bytes
    }
}
