// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization

/// A `tandem` child process of this build (``TandemExecutable``), with its output collected.
///
/// It runs without the caller's `TANDEM_*` variables, with no web client
/// (`TANDEM_WEB_ROOT` points nowhere) and with cheap password hashing
/// (`TANDEM_AUTH_BCRYPT_COST`: `TANDEM_TEST_BCRYPT_COST`, else 4); `environment` and flags
/// override these.
public final class TandemProcess: Sendable {
    /// How a process that ran to completion ended.
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    /// The `tandem` executable of this build.
    public static var binary: URL? { TandemExecutable.url }

    private let process: Process
    private let combined = OutputBuffer()
    private let stdout = OutputBuffer()
    private let stderr = OutputBuffer()

    /// Starts `tandem arguments…` in `directory` with `environment` added.
    public init(_ arguments: [String], environment: [String: String] = [:], in directory: String) throws {
        guard let binary = Self.binary else {
            throw TandemProcessError(description: "the tandem executable is not built; run `swift build --build-tests`")
        }
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.environment = Self.environment(environment)
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        process.standardInput = FileHandle.nullDevice
        for (pipe, own) in [(Pipe(), stdout), (Pipe(), stderr)] {
            let combined = combined
            pipe.fileHandleForReading.readabilityHandler = { handle in
                let data = handle.availableData
                if data.isEmpty {
                    handle.readabilityHandler = nil
                } else {
                    own.append(data)
                    combined.append(data)
                }
            }
            if own === stdout { process.standardOutput = pipe } else { process.standardError = pipe }
        }
        self.process = process
        try process.run()
    }

    /// The caller's environment without `TANDEM_*` settings, with the test defaults and `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        let caller = ProcessInfo.processInfo.environment
        var environment = caller.filter { !$0.key.hasPrefix("TANDEM_") }
        environment["TANDEM_AUTH_BCRYPT_COST"] = caller["TANDEM_TEST_BCRYPT_COST"].flatMap(Int.init).map(String.init) ?? "4"
        environment["TANDEM_WEB_ROOT"] = "/nonexistent-tandem-web"
        for (key, value) in extra { environment[key] = value }
        return environment
    }

    /// Starts `tandem arguments…` in `directory`.
    public static func start(
        _ arguments: [String], environment: [String: String] = [:], in directory: String
    ) throws
        -> TandemProcess
    {
        try TandemProcess(arguments, environment: environment, in: directory)
    }

    /// Runs `tandem arguments…` to completion (at most 30 s): its status and output.
    public static func run(
        _ arguments: [String], environment: [String: String] = [:], in directory: String
    )
        async throws -> Result
    {
        let child = try TandemProcess(arguments, environment: environment, in: directory)
        guard let status = await child.waitForExit(timeout: .seconds(30)) else {
            child.stop()
            throw TandemProcessError(description: "tandem \(arguments) did not exit:\n\(child.output)")
        }
        return Result(status: status, stdout: child.stdout.value, stderr: child.stderr.value)
    }

    /// Runs `tandem arguments…` to completion and returns its output; throws unless it exits 0.
    public static func runSucceeding(_ arguments: [String], in directory: String) async throws -> String {
        let result = try await run(arguments, in: directory)
        guard result.status == 0 else {
            throw TandemProcessError(
                description: "tandem \(arguments) exited \(result.status):\n\(result.stdout)\(result.stderr)")
        }
        return result.stdout + result.stderr
    }

    public var pid: pid_t { process.processIdentifier }
    public var isRunning: Bool { process.isRunning }
    /// Everything printed so far, stdout and stderr interleaved.
    public var output: String { combined.value }
    /// Standard output so far.
    public var standardOutput: String { stdout.value }
    /// How the process ended: by a signal, or by exiting.
    public var endedBySignal: Bool { !process.isRunning && process.terminationReason == .uncaughtSignal }

    /// Waits for the "listening on HOST:PORT" line and returns the port.
    public func waitForPort(timeout: Duration = .seconds(20)) async throws -> Int {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let port = Self.port(in: output) { return port }
            if !process.isRunning {
                throw TandemProcessError(
                    description: "tandem serve exited with \(process.terminationStatus) before listening:\n\(output)")
            }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TandemProcessError(description: "tandem serve did not report its port:\n\(output)")
    }

    /// The port of a "listening on host:port" (or "http://host:port") line, possibly inside a JSON log line.
    public static func port(in text: String) -> Int? {
        for line in text.split(separator: "\n") {
            guard let range = line.range(of: "listening on ") else { continue }
            let address = line[range.upperBound...].prefix { !$0.isWhitespace && $0 != "\"" && $0 != "," }
            guard let colon = address.lastIndex(of: ":") else { continue }
            if let port = Int(address[address.index(after: colon)...]), port > 0 { return port }
        }
        return nil
    }

    /// Sends `signal` if the process still runs.
    public func kill(_ signal: Int32) {
        if process.isRunning { _ = Foundation.kill(process.processIdentifier, signal) }
    }

    /// Waits for the exit: the status (or signal number), or nil at the timeout.
    public func waitForExit(timeout: Duration) async -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(10))
        }
        guard !process.isRunning else { return nil }
        try? await Task.sleep(for: .milliseconds(100))  // let the pipes drain
        return process.terminationStatus
    }

    /// Sends SIGTERM and waits for the exit status.
    public func terminate(timeout: Duration) async -> Int32? {
        process.terminate()
        return await waitForExit(timeout: timeout)
    }

    /// Kills the process if it still runs and waits for it (cleanup after a failure).
    public func stop() {
        guard process.isRunning else { return }
        kill(SIGKILL)
        process.waitUntilExit()
    }

    deinit { stop() }
}

/// A `tandem` child did not start, exit or listen as expected.
public struct TandemProcessError: Error, CustomStringConvertible {
    public var description: String
    public init(description: String) { self.description = description }
}

/// Output collected from a child's pipe.
public final class OutputBuffer: Sendable {
    private let text = Mutex<String>("")
    public init() {}
    public func append(_ data: Data) { text.withLock { $0 += String(decoding: data, as: UTF8.self) } }
    public var value: String { text.withLock { $0 } }
}
