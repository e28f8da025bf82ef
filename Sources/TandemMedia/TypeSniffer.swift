// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CMagic
import NIOPosix
import Synchronization

/// Names a file's type from its first bytes with libmagic, never from what a client says.
///
/// One libmagic cookie, used by one thread at a time (a cookie is not thread-safe); each
/// call runs on NIO's blocking thread pool, never on an event loop.
public final class TypeSniffer: Sendable {
    /// How many leading bytes are sniffed; libmagic is told to read no further.
    public static let sniffBytes = 64 << 10

    private let cookie: Mutex<OpaquePointer>

    /// Opens libmagic with its default database (Debian's `libmagic-mgc`).
    public init() throws(MediaError) {
        guard let cookie = tandem_magic_open(Self.sniffBytes) else {
            throw .libraryUnavailable("libmagic could not load its database (apt: libmagic-mgc)")
        }
        self.cookie = Mutex(cookie)
    }

    /// The MIME type (`image/png`, `text/plain`, `application/octet-stream`) of a file whose
    /// first bytes are `prefix` (at most ``sniffBytes`` are looked at).
    public func mimeType(of prefix: [UInt8]) async -> String {
        let head = Array(prefix.prefix(Self.sniffBytes))
        return (try? await NIOThreadPool.singleton.runIfActive { self.sniff(head) }) ?? "application/octet-stream"
    }

    /// The sniff itself, blocking the calling thread.
    func sniff(_ bytes: [UInt8]) -> String {
        guard !bytes.isEmpty else { return "application/x-empty" }
        return cookie.withLock { cookie in
            bytes.withUnsafeBytes { raw in
                magic_buffer(cookie, raw.baseAddress, raw.count).map { String(cString: $0) } ?? "application/octet-stream"
            }
        }
    }

    deinit {
        cookie.withLock { magic_close($0) }
    }
}
