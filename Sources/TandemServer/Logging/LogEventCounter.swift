// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import Synchronization

/// Counts error and critical log events per stable fingerprint, for `/metrics`
/// (`tandem_log_errors_total{level, label, fingerprint}`), so that an alert can fire when an
/// error never seen before appears.
///
/// The fingerprint is a hash of the logger label, the level and the message, never of the
/// metadata: messages here are fixed sentences and the variable parts (ids, errors) are
/// metadata, so one kind of error keeps one fingerprint across events, restarts and nodes.
/// At most ``capacity`` fingerprints are kept; events past that count under `other`.
public final class LogEventCounter: Sendable {
    public let capacity: Int
    private let counts = Mutex<[Key: Int]>([:])

    private struct Key: Hashable {
        var level: Logger.Level
        var label: String
        var fingerprint: String
    }

    public init(capacity: Int = 500) {
        self.capacity = capacity
    }

    /// The fingerprint of a message: 12 hex digits of FNV-1a (64 bits) over label, level and message.
    public static func fingerprint(label: String, level: Logger.Level, message: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in "\(label)\u{1F}\(level.rawValue)\u{1F}\(message)".utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        let hex = String(hash, radix: 16)
        return String((String(repeating: "0", count: max(0, 16 - hex.count)) + hex).prefix(12))
    }

    /// Whether events of `level` are counted.
    public static func counts(_ level: Logger.Level) -> Bool { level >= .error }

    /// Counts one event.
    public func record(level: Logger.Level, label: String, fingerprint: String) {
        counts.withLock { counts in
            var key = Key(level: level, label: label, fingerprint: fingerprint)
            if counts[key] == nil && counts.count >= capacity {
                key = Key(level: level, label: "other", fingerprint: "other")
            }
            counts[key, default: 0] += 1
        }
    }

    /// The counts in Prometheus text (the family's HELP and TYPE even without events).
    func write(into text: inout String) {
        let name = "tandem_log_errors_total"
        text += "# HELP \(name) Error and critical log events, per logger label and message fingerprint.\n"
        text += "# TYPE \(name) counter\n"
        let snapshot = counts.withLock { $0 }
        for (key, count) in snapshot.sorted(by: { ($0.key.label, $0.key.fingerprint) < ($1.key.label, $1.key.fingerprint) }) {
            text += "\(name){level=\"\(key.level.rawValue)\",label=\"\(Self.escape(key.label))\","
            text += "fingerprint=\"\(key.fingerprint)\"} \(count)\n"
        }
    }

    private static func escape(_ value: String) -> String {
        value.replacing("\\", with: "\\\\").replacing("\"", with: "\\\"").replacing("\n", with: "\\n")
    }
}
