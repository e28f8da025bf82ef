// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import Testing

@testable import TandemServer

/// Memory that comes back (issue 13): what a closed WebSocket connection held is freed.
@Suite("Connection memory")
struct ConnectionMemoryTests {
    /// Sees whether a channel is still alive without keeping it so.
    final class WeakChannel: @unchecked Sendable {
        // @unchecked: written once in init; only read (a weak load) afterwards.
        weak var channel: (any Channel)?
        init(_ channel: any Channel) { self.channel = channel }
    }

    @Test("a closed WebSocket connection's channel, handler and session are freed")
    func closedConnectionIsFreed() async throws {
        // A reference cycle through the upgrade's request context once kept every closed
        // connection's channel, buffers and identity in memory (~11 KiB each, issue 13's churn).
        try await LiveServer.run { server in
            let hub = server.dependencies.hub
            var seen: [WeakChannel] = []
            let count = 5
            for _ in 0..<count {
                let socket = try await server.connect(server.agents[0])
                for channel in await hub.channels() where !seen.contains(where: { $0.channel === channel }) {
                    seen.append(WeakChannel(channel))
                }
                await socket.close()
            }
            #expect(seen.count == count)
            // Generous deadline for a loaded machine.
            let freed = await HostileClientTests.eventually(30) { seen.allSatisfy { $0.channel == nil } }
            #expect(freed, "\(seen.filter { $0.channel != nil }.count) of \(count) closed WebSocket channels are still in memory")
            #expect(hub.queuedBytes == 0)
        }
    }
}
