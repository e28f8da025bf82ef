//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
import Synchronization
import TandemTestSupport

struct ServerProcessError: Error, CustomStringConvertible {
    var description: String
}

/// A running (or finished) `tandem` child process, with its output collected.
final class ServerProcess: Sendable {
    /// The `tandem` executable of this build (see ``TandemExecutable``).
    static var binary: URL? { TandemExecutable.url }

    private let process: Process
    private let collected = OutputBuffer()

    /// Starts `tandem arguments…` in `directory`, with no `TANDEM_*` variables of the caller.
    init(_ arguments: [String], in directory: String) throws {
        guard let binary = Self.binary else {
            throw ServerProcessError(description: "the tandem executable is not built; run `swift build --build-tests`")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TANDEM_") }
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        self.process = process
        pipe.fileHandleForReading.readabilityHandler = { [collected] handle in
            let data = handle.availableData
            if data.isEmpty {
                handle.readabilityHandler = nil
            } else {
                collected.append(data)
            }
        }
        try process.run()
    }

    var pid: pid_t { process.processIdentifier }
    var output: String { collected.value }
    var isRunning: Bool { process.isRunning }

    /// Runs `tandem arguments…` to completion and returns its output; throws unless it exits 0.
    static func run(_ arguments: [String], in directory: String) async throws -> String {
        let child = try ServerProcess(arguments, in: directory)
        guard let status = await child.waitForExit(timeout: .seconds(30)) else {
            child.kill(SIGKILL)
            throw ServerProcessError(description: "tandem \(arguments) did not exit:\n\(child.output)")
        }
        guard status == 0 else {
            throw ServerProcessError(description: "tandem \(arguments) exited \(status):\n\(child.output)")
        }
        return child.output
    }

    /// Waits for "Tandem is listening on http://HOST:PORT" and returns the port.
    func waitForPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = Self.port(in: output) { return port }
            if !process.isRunning {
                throw ServerProcessError(description: "tandem serve exited before listening:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw ServerProcessError(description: "tandem serve did not report its port:\n\(output)")
    }

    static func port(in text: String) -> Int? {
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "Tandem is listening on ") else { continue }
            let rest = line[range.upperBound...]
            guard let colon = rest.lastIndex(of: ":") else { continue }
            if let port = Int(rest[rest.index(after: colon)...].prefix(while: \.isNumber)), port > 0 { return port }
        }
        return nil
    }

    func kill(_ signal: Int32) {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, signal) }
    }

    /// Waits for the exit; the status (or signal number), or nil at the timeout.
    func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard !process.isRunning else { return nil }
        try? await Task.sleep(for: .milliseconds(50))  // let the pipe drain
        return process.terminationStatus
    }

    /// How the process ended: by a signal, or by exiting.
    var endedBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    /// Kills the process if it still runs and waits for it (cleanup after a failure).
    func stop() {
        guard process.isRunning else { return }
        kill(SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// Output collected from a child's pipe.
final class OutputBuffer: Sendable {
    private let text = Mutex<String>("")
    func append(_ data: Data) { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    var value: String { text.withLock { $0 } }
}

/// A directory removed when the value goes away.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory
            .appendingPathComponent("tandem-durability-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
