// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import CMongoc
import Logging

/// One-time driver setup: `mongoc_init()` and libmongoc's log messages routed
/// into swift-log (label `tandem.mongoc`) instead of stderr.
enum MongoDriver {
    /// Touch before any libmongoc call; runs once per process.
    static let initialized: Void = {
        mongoc_init()
        mongoc_log_set_handler(
            { level, domain, message, _ in
                let text = message.map { String(cString: $0) } ?? ""
                let origin = domain.map { String(cString: $0) } ?? "mongoc"
                MongoDriver.logger.log(level: MongoDriver.level(level), "\(text)", metadata: ["domain": "\(origin)"])
            }, nil)
    }()

    /// Made per message: the driver may log before the application bootstraps
    /// swift-log, and a logger made then would keep the default handler.
    static var logger: Logger { Logger(label: "tandem.mongoc") }

    static func level(_ level: mongoc_log_level_t) -> Logger.Level {
        switch level {
        case MONGOC_LOG_LEVEL_ERROR: .error
        case MONGOC_LOG_LEVEL_CRITICAL: .critical
        case MONGOC_LOG_LEVEL_WARNING: .warning
        case MONGOC_LOG_LEVEL_MESSAGE: .notice
        case MONGOC_LOG_LEVEL_INFO: .info
        case MONGOC_LOG_LEVEL_DEBUG: .debug
        default: .trace
        }
    }

    /// The libmongoc version this process runs with.
    static var version: String { String(cString: mongoc_get_version()) }
}
