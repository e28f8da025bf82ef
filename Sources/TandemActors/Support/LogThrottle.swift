// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization

/// Folds a message that repeats (every relayed batch, every login, every lease while Redis is
/// down) into one line per `interval` and message, with the number of occurrences it stands for.
///
/// The first occurrence is logged at once; later ones within `interval` are counted; the first
/// one after `interval` is logged with `repeated` (how many were folded since the last line).
/// The count is per message text, so different messages never hide each other.
public final class LogThrottle: Sendable {
    public let interval: Duration
    private let clock = ContinuousClock()
    private let lines = Mutex<[String: (logged: ContinuousClock.Instant, folded: Int)]>([:])

    public init(interval: Duration = .seconds(30)) {
        self.interval = interval
    }

    /// Logs `message` unless it was logged less than `interval` ago; then it is only counted.
    public func log(
        _ level: Logger.Level, _ message: Logger.Message, metadata: Logger.Metadata = [:], to logger: Logger,
        file: String = #fileID, function: String = #function, line: UInt = #line
    ) {
        let now = clock.now
        let folded: Int? = lines.withLock { lines in
            let key = message.description
            if let entry = lines[key], now - entry.logged < interval {
                lines[key]?.folded += 1
                return nil
            }
            let folded = lines[key]?.folded ?? 0
            lines[key] = (now, 0)
            return folded
        }
        guard let folded else { return }
        var metadata = metadata
        if folded > 0 { metadata["repeated"] = "\(folded)" }
        logger.log(level: level, message, metadata: metadata, file: file, function: function, line: line)
    }
}
