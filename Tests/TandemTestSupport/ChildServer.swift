// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A server process of a test's own (redis-server, nx-27017) on a free loopback port, with
/// a temporary folder: started (again, on the same port and folder), then killed, paused
/// or resumed as the test needs. Tests that stop "the database" use one, never the shared
/// servers of `scripts/test.sh`.
public final class ChildServer: @unchecked Sendable {
    // @unchecked: `process` is replaced only by start() and kill(), which the one test
    // owning this server calls from one task, one after the other.
    /// What it is, for messages: `redis-server`.
    public let name: String
    public let port: Int
    /// Its own temporary folder, removed with it.
    public let directory: URL
    private let executable: String?
    private let notFound: String
    private let arguments: [String]
    private let startTimeout: Duration
    private var process: Process?

    /// A server to be started: `executable` (`nil`: not installed, `notFound` says how to get it)
    /// run with `arguments(port, directory)`, given `startTimeout` to open its port.
    public init(
        name: String, executable: String?, notFound: String, startTimeout: Duration = .seconds(10),
        arguments: (_ port: Int, _ directory: URL) -> [String]
    ) throws {
        self.name = name
        self.executable = executable
        self.notFound = notFound
        self.startTimeout = startTimeout
        port = try LoopbackPort.free()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-\(name)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        self.arguments = arguments(port, directory)
    }

    deinit {
        if let process, process.isRunning { Glibc.kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: directory)
    }

    /// Starts the server (again, on the same port) and waits until it accepts connections.
    public func start() async throws {
        guard let executable else { throw MissingServer(message: notFound) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        let deadline = ContinuousClock.now + startTimeout
        while ContinuousClock.now < deadline {
            if LoopbackPort.accepts(port) { return }
            guard process.isRunning else { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw MissingServer(message: "\(name) did not open port \(port)")
    }

    /// SIGKILL: the server dies mid-whatever, as in a crash.
    public func kill() async {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        while process.isRunning { try? await Task.sleep(for: .milliseconds(10)) }
        self.process = nil
    }

    /// SIGSTOP: the server stops answering but its sockets stay open, like a hung host.
    public func pause() {
        if let process { Glibc.kill(process.processIdentifier, SIGSTOP) }
    }

    /// SIGCONT after ``pause()``.
    public func resume() {
        if let process { Glibc.kill(process.processIdentifier, SIGCONT) }
    }
}

/// TCP ports on 127.0.0.1.
public enum LoopbackPort {
    /// A port nothing listens on right now (the kernel's pick).
    public static func free() throws -> Int {
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

    /// Whether something accepts connections on `port`.
    public static func accepts(_ port: Int) -> Bool {
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
