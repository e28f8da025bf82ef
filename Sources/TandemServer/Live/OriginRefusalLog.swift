// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization

/// Logs refused WebSocket origins so that a misconfigured deployment is visible, without
/// letting a flood of refusals flood the log: at most one line per origin per `interval`,
/// carrying how many refusals of that origin it stands for. At most `capacity` origins are
/// tracked; refusals of untracked origins while it is full are counted and reported with
/// the next line written.
final class OriginRefusalLog: Sendable {
    let interval: Duration
    let capacity: Int
    private let state = Mutex(State())

    private struct State {
        var origins: [String: Entry] = [:]
        /// Refusals not logged because every slot was taken, or whose origin was dropped.
        var untracked = 0

        /// `line` with the untracked refusals so far, which it now reports.
        mutating func take(_ line: Line) -> Line {
            var line = line
            line.untracked = untracked
            untracked = 0
            return line
        }
    }

    private struct Entry {
        var loggedAt: ContinuousClock.Instant
        /// Refusals since `loggedAt` (not yet reported).
        var since = 0
    }

    init(interval: Duration = .seconds(60), capacity: Int = 256) {
        self.interval = interval
        self.capacity = capacity
    }

    /// What one refusal turns into: a line to write (with the refusals it covers), or nothing.
    struct Line: Equatable {
        /// Refusals of this origin this line reports (itself included).
        var count: Int
        /// Refusals of other origins that went unreported because the table was full.
        var untracked: Int
    }

    /// Records a refusal of `origin` at `now`; returns the line to log, if one is due.
    func record(_ origin: String, now: ContinuousClock.Instant = .now) -> Line? {
        state.withLock { state in
            if var entry = state.origins[origin] {
                entry.since += 1
                if now - entry.loggedAt < interval {
                    state.origins[origin] = entry
                    return nil
                }
                state.origins[origin] = Entry(loggedAt: now)
                return state.take(Line(count: entry.since, untracked: 0))
            }
            if state.origins.count >= capacity {
                for (key, entry) in state.origins where now - entry.loggedAt >= interval {
                    state.untracked += entry.since
                    state.origins[key] = nil
                }
            }
            guard state.origins.count < capacity else {
                state.untracked += 1
                return nil
            }
            state.origins[origin] = Entry(loggedAt: now)
            return state.take(Line(count: 1, untracked: 0))
        }
    }

    /// Records and, if due, logs a refusal, naming the setting to change.
    func refused(origin: String, host: String?, policy: OriginPolicy, localPort: Int?, logger: Logger) {
        guard let line = record(origin) else { return }
        var metadata: Logger.Metadata = [
            "origin": "\(origin)", "host": "\(host ?? "-")", "refusals": "\(line.count)",
            "rule": "\(policy.describe(localPort: localPort))",
        ]
        if line.untracked > 0 { metadata["refusalsOfOtherOrigins"] = "\(line.untracked)" }
        logger.warning(
            "refused a WebSocket from origin \(origin): to allow it, add it to http.allowedOrigins (TANDEM_HTTP_ALLOWED_ORIGINS)",
            metadata: metadata)
    }
}
