// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Dispatch
import Foundation
import Synchronization
import TandemCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Attachment bytes in a local directory: the embedded default.
///
/// Layout: `objects/<first two hex digits>/<sha256>` for committed bytes and
/// `uploads/<start ms>-<uuid>.part` for uploads under way. An upload is written to its
/// `.part` file, flushed to disk (`fsync`), then renamed to its address and the directory
/// flushed: a process killed at any point leaves at most a `.part` file, which no reader
/// sees and ``removeAbandonedUploads(startedBefore:)`` removes. File calls block, so they run
/// on Dispatch's global queue, never on an event loop or the cooperative pool.
public struct LocalAttachmentStorage: AttachmentStorage {
    public let root: String

    /// Uses (and creates) the directory `root`.
    public init(root: String) throws(AttachmentStorageError) {
        self.root = root
        for folder in ["objects", "uploads"] {
            do {
                try FileManager.default.createDirectory(
                    atPath: root + "/" + folder, withIntermediateDirectories: true)
            } catch {
                throw .io("cannot create \(root)/\(folder): \(error.localizedDescription)")
            }
        }
    }

    func path(of address: ContentAddress) -> String {
        "\(root)/objects/\(address.sha256.prefix(2))/\(address.sha256)"
    }

    public func beginUpload() async throws(AttachmentStorageError) -> any AttachmentUpload {
        let millis = Int64(Date().timeIntervalSince1970 * 1000)
        let path = "\(root)/uploads/\(millis)-\(UUID().uuidString).part"
        let fd = try await blocking { () throws(AttachmentStorageError) -> Int32 in
            let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw .io("cannot create \(path): \(Self.errnoText())") }
            return fd
        }
        return LocalUpload(storage: self, path: path, fd: fd)
    }

    public func size(of address: ContentAddress) async throws(AttachmentStorageError) -> Int64? {
        let path = path(of: address)
        return try await blocking { () throws(AttachmentStorageError) -> Int64? in
            var info = stat()
            guard stat(path, &info) == 0 else {
                if errno == ENOENT { return nil }
                throw .io("cannot stat \(path): \(Self.errnoText())")
            }
            return Int64(info.st_size)
        }
    }

    public func read(_ address: ContentAddress, range: Range<Int64>) -> AsyncThrowingStream<[UInt8], any Error> {
        let reader = LocalReader(path: path(of: address), address: address, range: range)
        return AsyncThrowingStream { try await reader.next() }
    }

    public func delete(_ address: ContentAddress) async throws(AttachmentStorageError) {
        let path = path(of: address)
        try await blocking { () throws(AttachmentStorageError) in
            guard unlink(path) == 0 || errno == ENOENT else { throw .io("cannot remove \(path): \(Self.errnoText())") }
        }
    }

    public func addresses(committedBefore cutoff: Timestamp) async throws(AttachmentStorageError) -> Set<ContentAddress> {
        let objects = root + "/objects"
        return try await blocking { () throws(AttachmentStorageError) -> Set<ContentAddress> in
            let manager = FileManager.default
            var found: Set<ContentAddress> = []
            do {
                for folder in try manager.contentsOfDirectory(atPath: objects) {
                    for name in try manager.contentsOfDirectory(atPath: objects + "/" + folder) {
                        var info = stat()
                        guard let address = ContentAddress(hex: name), stat(objects + "/" + folder + "/" + name, &info) == 0,
                            Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
                                < cutoff.millisecondsSince1970
                        else { continue }
                        found.insert(address)
                    }
                }
            } catch {
                throw .io("cannot list \(objects): \(error.localizedDescription)")
            }
            return found
        }
    }

    public func removeAbandonedUploads(startedBefore cutoff: Timestamp) async throws(AttachmentStorageError) -> Int {
        let uploads = root + "/uploads"
        return try await blocking { () throws(AttachmentStorageError) -> Int in
            let names: [String]
            do {
                names = try FileManager.default.contentsOfDirectory(atPath: uploads)
            } catch {
                throw .io("cannot list \(uploads): \(error.localizedDescription)")
            }
            var removed = 0
            for name in names where name.hasSuffix(".part") {
                // The start time is in the name, so a slow upload still being written is kept.
                guard let started = name.split(separator: "-").first.flatMap({ Int64($0) }),
                    started < cutoff.millisecondsSince1970
                else { continue }
                if unlink(uploads + "/" + name) == 0 { removed += 1 }
            }
            return removed
        }
    }

    /// Runs blocking file calls on a Dispatch thread.
    func blocking<T: Sendable>(
        _ body: @escaping @Sendable () throws(AttachmentStorageError) -> T
    ) async throws(AttachmentStorageError) -> T {
        let result: Result<T, AttachmentStorageError> = await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                do throws(AttachmentStorageError) {
                    continuation.resume(returning: .success(try body()))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
        }
        return try result.get()
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }
}

/// An upload to a `.part` file.
final class LocalUpload: AttachmentUpload {
    private struct State {
        var fd: Int32
        var digest = UploadDigest()
        var finished = false
    }

    private let storage: LocalAttachmentStorage
    private let path: String
    private let state: Mutex<State>

    init(storage: LocalAttachmentStorage, path: String, fd: Int32) {
        self.storage = storage
        self.path = path
        self.state = Mutex(State(fd: fd))
    }

    var size: Int64 { state.withLock { $0.digest.size } }

    func write(_ bytes: [UInt8]) async throws(AttachmentStorageError) {
        guard !bytes.isEmpty else { return }
        let fd = try state.withLock { state throws(AttachmentStorageError) -> Int32 in
            guard !state.finished else { throw .finished }
            state.digest.update(bytes)
            return state.fd
        }
        let path = path
        do {
            try await storage.blocking { () throws(AttachmentStorageError) in
                guard bytes.withUnsafeBytes({ writeFully(fd, $0) }) else {
                    throw .io("cannot write \(path): \(LocalAttachmentStorage.errnoText())")
                }
            }
        } catch {
            await abort()
            throw error
        }
    }

    func commit() async throws(AttachmentStorageError) -> StoredBlob {
        let (fd, digest) = try state.withLock { state throws(AttachmentStorageError) -> (Int32, UploadDigest) in
            guard !state.finished else { throw .finished }
            state.finished = true
            return (state.fd, state.digest)
        }
        let address = digest.finish()
        let part = path
        let target = storage.path(of: address)
        do {
            return try await storage.blocking { () throws(AttachmentStorageError) -> StoredBlob in
                defer { close(fd) }
                guard fsync(fd) == 0 else { throw .io("cannot flush \(part): \(LocalAttachmentStorage.errnoText())") }
                var info = stat()
                if stat(target, &info) == 0 {
                    // Committed again: the orphan sweep counts its age from now.
                    utimes(target, nil)
                    unlink(part)
                    return StoredBlob(address: address, size: digest.size, created: false)
                }
                let folder = String(target[..<target.lastIndex(of: "/")!])
                guard mkdir(folder, 0o700) == 0 || errno == EEXIST else {
                    throw .io("cannot create \(folder): \(LocalAttachmentStorage.errnoText())")
                }
                guard rename(part, target) == 0 else {
                    throw .io("cannot move \(part) to \(target): \(LocalAttachmentStorage.errnoText())")
                }
                // The rename is durable once the directory holding the new name is flushed.
                let dir = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
                if dir >= 0 {
                    fsync(dir)
                    close(dir)
                }
                return StoredBlob(address: address, size: digest.size, created: true)
            }
        } catch {
            unlink(part)
            throw error
        }
    }

    func abort() async {
        let fd = state.withLock { state -> Int32? in
            guard !state.finished else { return nil }
            state.finished = true
            return state.fd
        }
        guard let fd else { return }
        close(fd)
        unlink(path)
    }

    deinit {
        // Dropped without commit or abort (a cancelled request): the `.part` file goes.
        state.withLock { state in
            if !state.finished {
                close(state.fd)
                unlink(path)
            }
        }
    }
}

/// Reads a range of a stored file, one chunk per pull.
final class LocalReader: Sendable {
    private struct State {
        var fd: Int32 = -1
        var position: Int64
        var opened = false
    }

    private let path: String
    private let address: ContentAddress
    private let range: Range<Int64>
    private let state: Mutex<State>

    init(path: String, address: ContentAddress, range: Range<Int64>) {
        self.path = path
        self.address = address
        self.range = range
        self.state = Mutex(State(position: range.lowerBound))
    }

    func next() async throws -> [UInt8]? {
        let path = path
        let address = address
        let range = range
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(
                    with: Result {
                        try self.state.withLock { state throws -> [UInt8]? in
                            if !state.opened {
                                state.opened = true
                                let fd = open(path, O_RDONLY | O_CLOEXEC)
                                guard fd >= 0 else {
                                    if errno == ENOENT { throw AttachmentStorageError.notFound(address) }
                                    throw AttachmentStorageError.io("cannot open \(path): \(LocalAttachmentStorage.errnoText())")
                                }
                                state.fd = fd
                                var info = stat()
                                fstat(fd, &info)
                                let size = Int64(info.st_size)
                                guard range.lowerBound <= size, range.upperBound <= size else {
                                    throw AttachmentStorageError.rangeNotSatisfiable(size: size)
                                }
                            }
                            guard state.position < range.upperBound, state.fd >= 0 else { return nil }
                            let count = Int(min(Int64(chunkBytes), range.upperBound - state.position))
                            var buffer = [UInt8](repeating: 0, count: count)
                            let read = buffer.withUnsafeMutableBytes {
                                pread(state.fd, $0.baseAddress, count, off_t(state.position))
                            }
                            guard read > 0 else {
                                throw AttachmentStorageError.io("cannot read \(path): \(LocalAttachmentStorage.errnoText())")
                            }
                            state.position += Int64(read)
                            return read == count ? buffer : Array(buffer.prefix(read))
                        }
                    })
            }
        }
    }

    deinit {
        state.withLock { if $0.fd >= 0 { close($0.fd) } }
    }
}

/// Writes every byte of `raw` to `fd` (retrying short writes and EINTR); false on an error (`errno` says which).
private func writeFully(_ fd: Int32, _ raw: UnsafeRawBufferPointer) -> Bool {
    var offset = 0
    while offset < raw.count {
        let written = write(fd, raw.baseAddress! + offset, raw.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            return false
        }
        offset += written
    }
    return true
}
