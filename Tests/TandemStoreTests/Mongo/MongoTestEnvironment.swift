//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import TandemStoreMongo
import Testing

/// Where the MongoDB tests find their server.
///
/// `scripts/test.sh` (the README's test command) starts nx-27017 on a free
/// loopback port and exports `TANDEM_TEST_MONGO_URL`; each test then uses a
/// database of its own. Without the variable the MongoDB tests are skipped
/// locally, and fail in CI (`CI=true`), where skipping would hide them.
enum MongoTestEnvironment {
    static let urlVariable = "TANDEM_TEST_MONGO_URL"

    /// The server's URL, if configured.
    static var url: String? {
        ProcessInfo.processInfo.environment[urlVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isCI: Bool {
        ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }

    /// Whether the MongoDB suites run: when a server is configured, and always in CI
    /// (where ``requireURL()`` then fails them).
    static var enabled: Bool { url != nil || isCI }

    /// The server URL; fails the test with an explanation when there is none.
    static func requireURL() throws -> String {
        guard let url else {
            throw MissingServer(
                message: "\(urlVariable) is not set: MongoDB tests need a server. Run them with scripts/test.sh "
                    + "(`make test`), which starts nx-27017 and exports \(urlVariable), or export it yourself.")
        }
        return url
    }

    struct MissingServer: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    /// Quiet: several tests provoke errors on purpose, which the store logs.
    static let logger = Logger(label: "tandem.tests.mongo") { _ in SwiftLogNoOpLogHandler() }

    /// A store on a fresh database, dropped when closed.
    static func temporaryStore() throws -> MongoStore {
        try MongoStore.temporary(url: requireURL(), logger: logger)
    }

    /// The conformance suite's factory.
    static let factory = ConformanceStoreFactory(name: "mongodb") { try temporaryStore() }
}
