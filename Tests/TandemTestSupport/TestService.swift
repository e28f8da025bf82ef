// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// A server the tests need, found through an environment variable that
/// `scripts/test.sh` (the README's test command) exports after starting it.
///
/// Without the variable the tests that need it are skipped locally, and fail in CI
/// (`CI=true`), where skipping would hide them.
public struct TestService: Sendable {
    /// The variable holding the server's URL, e.g. `TANDEM_TEST_REDIS_URL`.
    public let variable: String
    /// What needs the server and which one `scripts/test.sh` starts, for the error message.
    public let needs: String
    public let starts: String

    public init(variable: String, needs: String, starts: String) {
        self.variable = variable
        self.needs = needs
        self.starts = starts
    }

    /// Whether this run is CI (`CI=true`, `1` or `yes`).
    public static var isCI: Bool {
        ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }

    /// The server's URL, if configured.
    public var url: String? {
        ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// Whether the suites that need it run: when it is configured, and always in CI
    /// (where ``requireURL()`` then fails them).
    public var enabled: Bool { url != nil || Self.isCI }

    /// The URL; fails the test with an explanation when there is none.
    public func requireURL() throws -> String {
        guard let url else {
            throw MissingServer(
                message: "\(variable) is not set: \(needs) need a server. Run them with scripts/test.sh "
                    + "(`make test`), which starts \(starts) and exports \(variable), or export it yourself.")
        }
        return url
    }
}

/// A server a test needs is not there (or did not start).
public struct MissingServer: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }

    public init(message: String) { self.message = message }
}
