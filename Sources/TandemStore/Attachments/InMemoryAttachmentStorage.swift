// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemCore

/// Attachment bytes in memory, for tests. Keeps the seam's invariants (an upload is invisible
/// until committed, the same bytes are stored once), not its memory bound.
public final class InMemoryAttachmentStorage: AttachmentStorage {
    private struct State {
        var blobs: [ContentAddress: [UInt8]] = [:]
        var committed: [ContentAddress: Timestamp] = [:]
        var uploads: [Int: Timestamp] = [:]
        var nextUpload = 0
    }

    private let state = Mutex(State())
    private let clock: @Sendable () -> Timestamp

    public init(clock: @escaping @Sendable () -> Timestamp = { Timestamp(millisecondsSince1970: 0) }) {
        self.clock = clock
    }

    public func beginUpload() async throws(AttachmentStorageError) -> any AttachmentUpload {
        let started = clock()
        let id = state.withLock { state in
            state.nextUpload += 1
            state.uploads[state.nextUpload] = started
            return state.nextUpload
        }
        return InMemoryUpload(storage: self, id: id)
    }

    public func size(of address: ContentAddress) async throws(AttachmentStorageError) -> Int64? {
        state.withLock { $0.blobs[address].map { Int64($0.count) } }
    }

    public func read(_ address: ContentAddress, range: Range<Int64>) -> AsyncThrowingStream<[UInt8], any Error> {
        let bytes = state.withLock { $0.blobs[address] }
        let position = Mutex(range.lowerBound)
        return AsyncThrowingStream {
            guard let bytes else { throw AttachmentStorageError.notFound(address) }
            guard range.upperBound <= Int64(bytes.count) else {
                throw AttachmentStorageError.rangeNotSatisfiable(size: Int64(bytes.count))
            }
            return position.withLock { position -> [UInt8]? in
                guard position < range.upperBound else { return nil }
                let end = min(position + Int64(chunkBytes), range.upperBound)
                defer { position = end }
                return Array(bytes[Int(position)..<Int(end)])
            }
        }
    }

    public func delete(_ address: ContentAddress) async throws(AttachmentStorageError) {
        state.withLock { state in
            state.blobs[address] = nil
            state.committed[address] = nil
        }
    }

    public func addresses(committedBefore cutoff: Timestamp) async throws(AttachmentStorageError) -> Set<ContentAddress> {
        state.withLock { Set($0.committed.filter { $0.value < cutoff }.keys) }
    }

    public func removeAbandonedUploads(startedBefore cutoff: Timestamp) async throws(AttachmentStorageError) -> Int {
        state.withLock { state in
            let old = state.uploads.filter { $0.value < cutoff }.map(\.key)
            for id in old { state.uploads[id] = nil }
            return old.count
        }
    }

    fileprivate func finish(_ id: Int, bytes: [UInt8]?) -> StoredBlob? {
        let now = clock()
        return state.withLock { state in
            guard state.uploads.removeValue(forKey: id) != nil, let bytes else { return nil }
            let address = ContentAddress.of(bytes)
            let created = state.blobs[address] == nil
            if created { state.blobs[address] = bytes }
            state.committed[address] = now
            return StoredBlob(address: address, size: Int64(bytes.count), created: created)
        }
    }
}

private final class InMemoryUpload: AttachmentUpload {
    private let storage: InMemoryAttachmentStorage
    private let id: Int
    private let bytes = Mutex<[UInt8]?>([])

    init(storage: InMemoryAttachmentStorage, id: Int) {
        self.storage = storage
        self.id = id
    }

    var size: Int64 { bytes.withLock { Int64($0?.count ?? 0) } }

    func write(_ chunk: [UInt8]) async throws(AttachmentStorageError) {
        try bytes.withLock { bytes throws(AttachmentStorageError) in
            guard bytes != nil else { throw .finished }
            bytes! += chunk
        }
    }

    func commit() async throws(AttachmentStorageError) -> StoredBlob {
        let taken = bytes.withLock { bytes in
            defer { bytes = nil }
            return bytes
        }
        guard taken != nil, let blob = storage.finish(id, bytes: taken) else { throw .finished }
        return blob
    }

    func abort() async {
        bytes.withLock { $0 = nil }
        _ = storage.finish(id, bytes: nil)
    }
}
