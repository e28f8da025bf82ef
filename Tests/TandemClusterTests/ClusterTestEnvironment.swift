//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Foundation
import Logging
import TandemRedis

/// Where the cluster tests find Redis: `TANDEM_TEST_REDIS_URL`, exported by
/// `scripts/test.sh`. Skipped locally without it; failed in CI (`CI=true`).
enum ClusterTestEnvironment {
    static let urlVariable = "TANDEM_TEST_REDIS_URL"

    static var url: String? {
        ProcessInfo.processInfo.environment[urlVariable].flatMap { $0.isEmpty ? nil : $0 }
    }

    static var isCI: Bool {
        ["true", "1", "yes"].contains(ProcessInfo.processInfo.environment["CI"]?.lowercased() ?? "")
    }

    static var enabled: Bool { url != nil || isCI }

    static func options() throws -> RedisConnectionOptions {
        guard let url else {
            throw MissingServer(
                message: "\(urlVariable) is not set: the cluster tests need Redis. Run them with scripts/test.sh "
                    + "(`make test`), which starts redis-server and exports \(urlVariable), or export it yourself.")
        }
        var options = try RedisConnectionOptions(url: url)
        options.connectTimeout = .seconds(1)
        options.commandTimeout = .seconds(2)
        options.reconnect = RedisBackoff(initial: .milliseconds(20), maximum: .milliseconds(200))
        return options
    }

    struct MissingServer: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
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
