// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemTestSupport

/// An nx-27017 process of the test's own (a ``ChildServer``) with a temporary data
/// folder: tests that stop and restart "the database" use one, never the shared server
/// from `scripts/test.sh`.
///
/// The executable comes from `TANDEM_TEST_NX27017` (set by scripts/test.sh) or
/// the project's virtualenv, `.venv/bin/nx-27017`.
final class NXServer: Sendable {
    private let server: ChildServer
    var port: Int { server.port }

    /// The MongoDB URL of this server, with short timeouts so that outages show quickly.
    var url: String {
        "mongodb://127.0.0.1:\(port)/?serverSelectionTimeoutMS=1500&socketTimeoutMS=5000&connectTimeoutMS=1000"
    }

    static var executable: String? {
        if let path = ProcessInfo.processInfo.environment["TANDEM_TEST_NX27017"], !path.isEmpty { return path }
        let venv = RepositoryFiles.url(".venv/bin/nx-27017").path
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : nil
    }

    /// Whether tests that need their own server can run (always tried in CI).
    static var available: Bool { executable != nil || MongoTestEnvironment.isCI }

    init() throws {
        server = try ChildServer(
            name: "nx-27017", executable: Self.executable,
            notFound: "nx-27017 not found: set TANDEM_TEST_NX27017 or run scripts/setup.sh test (it installs it into .venv)",
            startTimeout: .seconds(20)
        ) { port, directory in
            [
                "--host", "127.0.0.1", "-p", String(port), "--data-dir", directory.appendingPathComponent("data").path,
                "--log-file", directory.appendingPathComponent("nx.log").path,
                "--pid-file", directory.appendingPathComponent("nx.pid").path,
            ]
        }
    }

    /// Starts the server (again, on the same port and data) and waits until it accepts connections.
    func start() async throws { try await server.start() }
    /// SIGKILL: the database dies mid-whatever, as in a crash.
    func kill() async { await server.kill() }
}
