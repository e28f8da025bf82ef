// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import HummingbirdTesting
import HummingbirdWebSocket
import NIOCore
import Synchronization
import Testing

@testable import TandemServer

/// Memory that comes back (issue 13): what a closed WebSocket connection held is freed.
@Suite("Connection memory")
struct ConnectionMemoryTests {
    /// Sees whether a channel is still alive without keeping it so.
    final class WeakChannel: Sendable {
        weak let channel: (any Channel)?
        init(_ channel: any Channel) { self.channel = channel }
    }

    @Test("a closed WebSocket connection's channel is freed: the upgrade's request context does not keep it")
    func closedConnectionIsFreed() async throws {
        // Hummingbird's upgrade stores the request context inside the context's own
        // WebSocketHandlerReference; with TandemRequestContext's channel in that cycle every
        // closed connection's channel and buffers stayed in memory (~11 KiB each).
        let upgraded = Mutex<[WeakChannel]>([])
        let webSocketRouter = Router(context: TandemRequestContext.self)
        webSocketRouter.ws("ws") { _, _ in
            .upgrade([:])
        } onUpgrade: { inbound, _, context in
            upgraded.withLock { $0.append(WeakChannel(context.requestContext.channel)) }
            for try await _ in inbound {}
        }
        let app = Application(
            router: Router(context: TandemRequestContext.self),
            server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let count = 5
            for n in 0..<count {
                let socket = try await LiveTestClient.connect(port: port, token: nil, name: "churn \(n)")
                try await Self.poll { upgraded.withLock { $0.count } == n + 1 }
                await socket.close()
            }
            // Every channel is closed; each must be freed (generous deadline for a loaded machine).
            let freed = try await Self.poll(deadline: .seconds(30)) {
                upgraded.withLock { $0.allSatisfy { $0.channel == nil } }
            }
            let alive = upgraded.withLock { $0.filter { $0.channel != nil }.count }
            #expect(freed, "\(alive) of \(count) closed WebSocket channels are still in memory")
        }
    }

    /// Polls `condition` every 50 ms until it holds or `deadline` passes; returns whether it held.
    @discardableResult
    static func poll(deadline: Duration = .seconds(20), _ condition: @Sendable () -> Bool) async throws -> Bool {
        let clock = ContinuousClock()
        let end = clock.now.advanced(by: deadline)
        while clock.now < end {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return condition()
    }
}
