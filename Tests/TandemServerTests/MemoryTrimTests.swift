// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

#if canImport(Glibc)
import Glibc
import Logging
import Testing

@testable import TandemApp

/// Memory that comes back (issue 13): free heap pages go back to the system.
@Suite("Memory trim")
struct MemoryTrimTests {
    @Test("the trim service gives a fragmented heap's free pages back: resident free memory drops")
    func serviceReturnsFreePages() async throws {
        // A slack well above what the other tests running in this process add between two looks,
        // so that the service trims for this test's heap and not again and again for theirs.
        let service = MemoryTrimService(interval: .milliseconds(200), slack: 64 << 20, logger: Logger(label: "test"))
        let task = Task { try await service.run() }
        defer { task.cancel() }
        try await Task.sleep(for: .milliseconds(300))

        // 96 MiB in 1 KiB blocks, every 64th kept: the heap cannot shrink from its top, so
        // freeing the rest leaves ~94 MiB free inside it, resident until someone trims.
        let count = 96 * 1024
        var kept: [UnsafeMutableRawPointer] = []
        var blocks: [UnsafeMutableRawPointer] = []
        blocks.reserveCapacity(count)
        for _ in 0..<count {
            let block = try #require(malloc(1024))
            memset(block, 0x5a, 1024)
            blocks.append(block)
        }
        // Looked at before the frees: a service that trims between the frees and a later look
        // would make the drop this test waits for happen before its baseline.
        let before = MemoryTrimService.retainedBytes()
        for (index, block) in blocks.enumerated() {
            if index % 64 == 0 { kept.append(block) } else { free(block) }
        }
        blocks = []
        defer { kept.forEach { free($0) } }
        // The frees leave ~94 MiB resident but not in use (so other tests' allocations in this
        // process do not move it); the service notices within a few intervals (generous deadline
        // for a loaded machine) and at least 48 MiB of it goes back.
        let freed = 94 << 20
        let clock = ContinuousClock()
        let deadline = clock.now.advanced(by: .seconds(20))
        while MemoryTrimService.retainedBytes() > before + freed - (48 << 20), clock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let returned = before + freed - MemoryTrimService.retainedBytes()
        #expect(
            returned >= 48 << 20,
            "resident free memory went down by \(returned >> 20) MiB only (from \(before >> 20) MiB before the frees)")
    }
}
#endif
