// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import TandemStoreMongo
import TandemTestSupport
import Testing

/// Where the MongoDB tests find their server.
///
/// `scripts/test.sh` (the README's test command) starts nx-27017 on a free
/// loopback port and exports `TANDEM_TEST_MONGO_URL`; each test then uses a
/// database of its own. Without the variable the MongoDB tests are skipped
/// locally, and fail in CI (`CI=true`), where skipping would hide them.
enum MongoTestEnvironment {
    static let service = TestService(variable: "TANDEM_TEST_MONGO_URL", needs: "MongoDB tests", starts: "nx-27017")
    static var url: String? { service.url }
    static var isCI: Bool { TestService.isCI }
    static var enabled: Bool { service.enabled }
    static func requireURL() throws -> String { try service.requireURL() }
    typealias MissingServer = TandemTestSupport.MissingServer

    /// Quiet: several tests provoke errors on purpose, which the store logs.
    static let logger = Logger(label: "tandem.tests.mongo") { _ in SwiftLogNoOpLogHandler() }

    /// A store on a fresh database, dropped when closed.
    static func temporaryStore() throws -> MongoStore {
        try MongoStore.temporary(url: requireURL(), logger: logger)
    }

    /// The conformance suite's factory.
    static let factory = ConformanceStoreFactory(name: "mongodb") { try temporaryStore() }
}
