// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import ServiceLifecycle
import TandemCore
import TandemServer
import TandemStore

/// Purges what `retention.*` allows, periodically, in this process: closed
/// tickets, read notifications and op-log entries the snapshots no longer need.
///
/// The first run is a minute after start (or after one interval, if shorter),
/// then one every `retention.intervalSeconds`. A failed run is logged and the
/// next one tried on schedule; it never stops the server. On graceful shutdown
/// it stops before the store closes.
struct RetentionService: Service {
    let store: any TandemStore
    let settings: TandemConfiguration.Retention
    let clock: any TandemClock
    let logger: Logger

    func run() async throws {
        guard settings.enabled else {
            try? await gracefulShutdown()
            return
        }
        logger.info(
            "retention scheduled",
            metadata: [
                "intervalSeconds": "\(settings.intervalSeconds)", "closedTicketDays": "\(settings.closedTicketDays)",
                "readNotificationDays": "\(settings.readNotificationDays)", "opLogDays": "\(settings.opLogDays)",
                "opLogMarginVersions": "\(settings.opLogMarginVersions)",
            ])
        var delay = Duration.seconds(min(60, settings.intervalSeconds))
        while true {
            let wait = delay
            do {
                try await cancelWhenGracefulShutdown { try await Task.sleep(for: wait) }
            } catch {
                return  // shutting down
            }
            // A run in progress stops at its next batch when the server shuts down.
            try? await cancelWhenGracefulShutdown { await runOnce() }
            delay = .seconds(settings.intervalSeconds)
        }
    }

    /// One retention run; failures are logged, never thrown.
    func runOnce() async {
        do {
            let report = try await store.purge(Self.policy(settings, now: clock.now()))
            logger.debug("retention run finished", metadata: ["purged": "\(report)"])
        } catch is CancellationError {
            logger.debug("retention run stopped for shutdown")
        } catch {
            logger.error("retention run failed", metadata: ["error": "\(error)"])
        }
    }

    /// The policy the settings describe at `now`.
    static func policy(_ settings: TandemConfiguration.Retention, now: Timestamp) -> RetentionPolicy {
        func days(_ count: Int) -> Duration? { count > 0 ? .seconds(Int64(count) * 86_400) : nil }
        return RetentionPolicy(
            now: now, closedTicketAge: days(settings.closedTicketDays),
            readNotificationAge: days(settings.readNotificationDays), opLogAge: days(settings.opLogDays),
            opLogMargin: Int64(settings.opLogMarginVersions), batchLimit: settings.batchSize)
    }
}
