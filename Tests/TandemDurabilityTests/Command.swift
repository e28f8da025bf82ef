// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a short-lived command to completion with `posix_spawn` and `waitpid`.
///
/// Not Foundation's `Process`: on Linux it learns that a child ended from a pipe the
/// child inherits, so a script that leaves daemons behind (`scripts/cluster up`)
/// never "ends" and stays a zombie.
enum Command {
    struct Result: Sendable {
        var status: Int32
        /// stdout and stderr, interleaved.
        var output: String
    }

    /// Runs `executable arguments…` with `environment`; its output goes to a temporary file.
    static func run(_ executable: String, _ arguments: [String], environment: [String: String]) async throws -> Result {
        try await Task.detached { try runBlocking(executable, arguments, environment: environment) }.value
    }

    /// As ``run(_:_:environment:)``, blocking the calling thread (for `deinit`).
    static func runBlocking(
        _ executable: String, _ arguments: [String], environment: [String: String]
    ) throws
        -> Result
    {
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-cmd-\(UUID().uuidString)").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else {
            throw ServerProcessError(description: "cannot start \(executable): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED / WEXITSTATUS, spelled out (the macros do not import).
        let exited = status & 0x7f == 0
        return Result(status: exited ? (status >> 8) & 0xff : 128 + (status & 0x7f), output: output)
    }
}
