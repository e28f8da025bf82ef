// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemRedis
import TandemTestSupport

/// A redis-server process of the test's own (a ``ChildServer``): tests that kill and
/// restart Redis use one, never the shared server from `scripts/test.sh`.
///
/// The executable comes from `TANDEM_TEST_REDIS_SERVER` (set by scripts/test.sh)
/// or the usual install paths.
final class RedisServer: Sendable {
    private let server: ChildServer
    var port: Int { server.port }

    static var executable: String? {
        let configured = ProcessInfo.processInfo.environment["TANDEM_TEST_REDIS_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        return ([configured].compactMap { $0 } + ["/usr/bin/redis-server", "/usr/local/bin/redis-server"])
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether tests that need their own server can run (always tried in CI).
    static var available: Bool { executable != nil || RedisTestEnvironment.isCI }

    /// A server to be started, with `arguments` added to its command line (`--maxclients 1`).
    init(arguments: [String] = []) throws {
        server = try ChildServer(
            name: "redis-server", executable: Self.executable,
            notFound: "redis-server not found: set TANDEM_TEST_REDIS_SERVER or run scripts/setup.sh test"
        ) { port, directory in
            [
                "--bind", "127.0.0.1", "--port", String(port), "--dir", directory.path, "--save", "",
                "--appendonly", "no", "--daemonize", "no", "--logfile", directory.appendingPathComponent("redis.log").path,
            ] + arguments
        }
    }

    /// The server's options, with short timeouts and quick reconnects so that outages show fast.
    var options: RedisConnectionOptions {
        RedisConnectionOptions(
            host: "127.0.0.1", port: port, connectTimeout: .seconds(1), commandTimeout: .seconds(1),
            subscriberPingInterval: .seconds(1),
            reconnect: RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
    }

    /// Starts the server (again, on the same port) and waits until it accepts connections.
    func start() async throws { try await server.start() }
    /// SIGKILL: Redis dies mid-whatever, as in a crash.
    func kill() async { await server.kill() }
    /// SIGSTOP: Redis stops answering but its sockets stay open, like a hung host.
    func pause() { server.pause() }
    /// SIGCONT after ``pause()``.
    func resume() { server.resume() }
}
