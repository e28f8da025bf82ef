// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import CMalloc
import Glibc
#endif
import Foundation
import Logging
import ServiceLifecycle

/// Gives the pages glibc's allocator keeps after a burst (thousands of connections opened,
/// then closed) back to the system, so that RSS follows the memory in use.
///
/// glibc frees a chunk into its arena and returns memory to the system only from the top of
/// the main heap; Tandem's threads allocate from up to 8 × cores arenas, so after a wave of
/// connections most of their memory stays resident although nothing uses it (issue 13's churn:
/// 40 MB in use, 410 MB held). Every `interval` this service compares the process's RSS with
/// the heap bytes in use and, when the difference has grown by more than `slack` since the last
/// look, calls `malloc_trim(0)`, which releases the free pages of every arena. Idle, it costs a
/// read of `/proc/self/statm` and a `mallinfo2()` per interval.
struct MemoryTrimService: Service {
    var interval: Duration = .seconds(2)
    var slack = 16 << 20
    let logger: Logger

    func run() async throws {
        #if canImport(Glibc)
        // RSS that is not heap in use after the last trim (code, stacks, SQLite's cache, ...).
        var floor = Self.retainedBytes()
        while true {
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            } catch {
                return  // shutting down
            }
            let retained = Self.retainedBytes()
            if retained > floor + slack {
                await Self.trimOffThePool()
                floor = Self.retainedBytes()
                logger.debug(
                    "returned free heap pages", metadata: ["before": "\(retained >> 20) MiB", "after": "\(floor >> 20) MiB"])
            } else {
                floor = min(floor, retained)
            }
        }
        #else
        try? await gracefulShutdown()
        #endif
    }

    #if canImport(Glibc)
    /// Resident bytes of the process minus the heap bytes in use (arena chunks and mmapped blocks):
    /// what a trim could give back, plus what it cannot (code, stacks, caches).
    static func retainedBytes() -> Int {
        let heap = mallinfo2()
        return residentBytes() - Int(heap.uordblks) - Int(heap.hblkhd)
    }

    /// The process's resident set (`/proc/self/statm`, second field, in pages); 0 if unreadable.
    static func residentBytes() -> Int {
        guard let file = fopen("/proc/self/statm", "r") else { return 0 }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 128)
        guard fgets(&line, Int32(line.count), file) != nil else { return 0 }
        let text = String(decoding: line.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }

    /// Releases the free pages of every arena to the system.
    static func trim() {
        _ = malloc_trim(0)
    }

    /// ``trim()`` on a thread of its own: it walks every arena (tens of milliseconds after a
    /// large wave) and must not hold one of the few threads the actors and sessions run on.
    static func trimOffThePool() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            Thread {
                trim()
                done.resume()
            }.start()
        }
    }
    #endif
}
