//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An nx-27017 process of the test's own, on a free loopback port with a
/// temporary data folder: tests that stop and restart "the database" use one,
/// never the shared server from `scripts/test.sh`.
///
/// The executable comes from `TANDEM_TEST_NX27017` (set by scripts/test.sh) or
/// the project's virtualenv, `.venv/bin/nx-27017`.
final class NXServer: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start(), and each test drives its
    // server from one task at a time.
    let port: Int
    let directory: URL
    private var process: Process?

    /// The MongoDB URL of this server, with short timeouts so that outages show quickly.
    var url: String {
        "mongodb://127.0.0.1:\(port)/?serverSelectionTimeoutMS=1500&socketTimeoutMS=5000&connectTimeoutMS=1000"
    }

    static var executable: String? {
        if let path = ProcessInfo.processInfo.environment["TANDEM_TEST_NX27017"], !path.isEmpty { return path }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        let venv = root.appendingPathComponent(".venv/bin/nx-27017").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// Whether tests that need their own server can run (always tried in CI).
    static var available: Bool { executable != nil || MongoTestEnvironment.isCI }

    init() throws {
        port = try Self.freePort()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-nx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    deinit {
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the server (again, on the same port and data) and waits until it accepts connections.
    func start() async throws {
        guard let executable = Self.executable else {
            throw MongoTestEnvironment.MissingServer(
                message: "nx-27017 not found: set TANDEM_TEST_NX27017 or run scripts/setup.sh test (it installs it into .venv)")
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [
            "--host", "127.0.0.1", "-p", String(port), "--data-dir", directory.appendingPathComponent("data").path,
            "--log-file", directory.appendingPathComponent("nx.log").path,
            "--pid-file", directory.appendingPathComponent("nx.pid").path,
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if Self.accepts(port: port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw MongoTestEnvironment.MissingServer(message: "nx-27017 did not open port \(port)")
    }

    /// SIGKILL: the database dies mid-whatever, as in a crash.
    func kill() async {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        self.process = nil
    }

    // MARK: - Sockets

    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EMFILE) }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
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
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        return withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
            }
        }
    }
}
