// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import TandemRedis
import TandemTestSupport

/// Where the cluster tests find Redis: `TANDEM_TEST_REDIS_URL`, exported by
/// `scripts/test.sh`. Skipped locally without it; failed in CI (`CI=true`).
enum ClusterTestEnvironment {
    static let service = TestService(variable: "TANDEM_TEST_REDIS_URL", needs: "the cluster tests", starts: "redis-server")
    static var enabled: Bool { service.enabled }

    static func options() throws -> RedisConnectionOptions {
        var options = try RedisConnectionOptions(url: service.requireURL())
        options.connectTimeout = .seconds(1)
        options.commandTimeout = .seconds(2)
        options.reconnect = RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
        return options
    }

    /// Quiet unless `TANDEM_TEST_CLUSTER_LOG` is set (then everything from `debug` up, on stderr).
    static let logger: Logger = {
        guard ProcessInfo.processInfo.environment["TANDEM_TEST_CLUSTER_LOG"] != nil else {
            return Logger(label: "tandem.tests.cluster") { _ in SwiftLogNoOpLogHandler() }
        }
        var logger = Logger(label: "tandem.tests.cluster", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .debug
        return logger
    }()
}
