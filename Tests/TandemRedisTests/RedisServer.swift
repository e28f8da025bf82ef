//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
import TandemRedis
#if canImport(Glibc)
import Glibc
#endif

/// A redis-server process of the test's own, on a free loopback port: tests that
/// kill and restart Redis use one, never the shared server from `scripts/test.sh`.
///
/// The executable comes from `TANDEM_TEST_REDIS_SERVER` (set by scripts/test.sh)
/// or the usual install paths.
final class RedisServer: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start() and kill(), which the one
    // test owning this server calls from one task, one after the other.
    let port: Int
    private let directory: URL
    private let extraArguments: [String]
    private var process: Process?

    static var executable: String? {
        let configured = ProcessInfo.processInfo.environment["TANDEM_TEST_REDIS_SERVER"].flatMap { $0.isEmpty ? nil : $0 }
        return ([configured].compactMap { $0 } + ["/usr/bin/redis-server", "/usr/local/bin/redis-server"])
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Whether tests that need their own server can run (always tried in CI).
    static var available: Bool { executable != nil || RedisTestEnvironment.isCI }

    /// A server to be started, with `arguments` added to its command line (`--maxclients 1`).
    init(arguments: [String] = []) throws {
        extraArguments = arguments
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-redis-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// The server's options, with short timeouts and quick reconnects so that outages show fast.
    var options: RedisConnectionOptions {
        RedisConnectionOptions(
            host: "127.0.0.1", port: port, connectTimeout: .seconds(1), commandTimeout: .seconds(1),
            subscriberPingInterval: .seconds(1),
            reconnect: RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200)))
    }

    /// Starts the server (again, on the same port) and waits until it accepts connections.
    func start() async throws {
        guard let executable = Self.executable else {
            throw RedisTestEnvironment.MissingServer(
                message: "redis-server not found: set TANDEM_TEST_REDIS_SERVER or run scripts/setup.sh test")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--bind", "127.0.0.1", "--port", String(port), "--dir", directory.path, "--save", "",
            "--appendonly", "no", "--daemonize", "no", "--logfile", directory.appendingPathComponent("redis.log").path,
        ] + extraArguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline {
            if Self.accepts(port: port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw RedisTestEnvironment.MissingServer(message: "redis-server did not open port \(port)")
    }

    /// SIGKILL: Redis dies mid-whatever, as in a crash.
    func kill() async {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        self.process = nil
    }

    /// SIGSTOP: Redis stops answering but its sockets stay open, like a hung host.
    func pause() {
        if let process { Glibc.kill(process.processIdentifier, SIGSTOP) }
    }

    /// SIGCONT after ``pause()``.
    func resume() {
        if let process { Glibc.kill(process.processIdentifier, SIGCONT) }
    }

    // MARK: - Sockets

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bind(fd, socketAddress, length) == 0 && getsockname(fd, socketAddress, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    static func accepts(port: Int) -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = loopback(port: port)
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }

    private static func loopback(port: Int) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return address
    }
}
