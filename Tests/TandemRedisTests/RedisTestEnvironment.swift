// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import TandemRedis
import TandemTestSupport

/// Where the Redis tests find their server.
///
/// `scripts/test.sh` (the README's test command) starts redis-server on a free
/// loopback port and exports `TANDEM_TEST_REDIS_URL`; tests use keys and
/// channels of their own (``unique(_:)``). Without the variable the Redis tests
/// are skipped locally, and fail in CI (`CI=true`), where skipping would hide them.
enum RedisTestEnvironment {
    static let service = TestService(variable: "TANDEM_TEST_REDIS_URL", needs: "Redis tests", starts: "redis-server")
    static var url: String? { service.url }
    static var isCI: Bool { TestService.isCI }
    static var enabled: Bool { service.enabled }
    static func requireURL() throws -> String { try service.requireURL() }

    /// Options for the shared server, with short timeouts and quick reconnects.
    static func options() throws -> RedisConnectionOptions {
        var options = try RedisConnectionOptions(url: requireURL())
        options.connectTimeout = .seconds(1)
        options.commandTimeout = .seconds(2)
        options.reconnect = RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
        return options
    }

    typealias MissingServer = TandemTestSupport.MissingServer

    /// Quiet: several tests provoke errors on purpose.
    static let logger = Logger(label: "tandem.tests.redis") { _ in SwiftLogNoOpLogHandler() }

    /// A key or channel name no other test uses.
    static func unique(_ name: String) -> String {
        "tandem-test:\(name):\(UUID().uuidString.prefix(8).lowercased())"
    }

    /// Runs `body` with a client, shut down afterwards.
    static func withClient(
        _ options: RedisConnectionOptions? = nil, _ body: (RedisClient) async throws -> Void
    ) async throws {
        let client = RedisClient(try options ?? Self.options(), logger: logger)
        do {
            try await body(client)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
}

/// Waits until `condition` holds, polling; fails after `timeout`.
func eventually(
    _ what: String, timeout: Duration = .seconds(5), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while ContinuousClock.now < deadline {
        if try await condition() { return }
        try await Task.sleep(for: .milliseconds(10))
    }
    throw RedisTestEnvironment.MissingServer(message: "timed out after \(timeout) waiting for \(what)")
}
