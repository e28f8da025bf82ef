// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A wall-clock time of day in whole minutes, 00:00 through 24:00 (24:00 only ends an interval).
public struct TimeOfDay: Hashable, Sendable, Comparable, CustomStringConvertible {
    /// Minutes since local midnight, 0...1440.
    public let minutes: Int

    /// The time `hour`:`minute`; nil unless it lies within 00:00...24:00.
    public init?(hour: Int, minute: Int = 0) {
        guard (0...24).contains(hour), (0..<60).contains(minute), hour * 60 + minute <= 1440 else { return nil }
        minutes = hour * 60 + minute
    }

    /// Parses `HH:MM` (00:00 through 24:00).
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts.allSatisfy({ $0.count == 2 && $0.allSatisfy(\.isASCII) }),
            let hour = Int(parts[0]), let minute = Int(parts[1])
        else { return nil }
        self.init(hour: hour, minute: minute)
    }

    public static let midnight = TimeOfDay(hour: 0)!
    public static let endOfDay = TimeOfDay(hour: 24)!

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.minutes < rhs.minutes }

    public var description: String {
        let hour = minutes / 60
        let minute = minutes % 60
        return (hour < 10 ? "0" : "") + "\(hour):" + (minute < 10 ? "0" : "") + "\(minute)"
    }
}

/// The wall-clock times from `start` (included) to `end` (excluded) of one local day.
public struct TimeRange: Hashable, Sendable, CustomStringConvertible {
    public var start: TimeOfDay
    public var end: TimeOfDay

    public init(_ start: TimeOfDay, _ end: TimeOfDay) {
        self.start = start
        self.end = end
    }

    /// `09:00-17:30` style shorthand for tests and demo data; nil if either end does not parse.
    public init?(_ text: String) {
        let parts = text.split(separator: "-")
        guard parts.count == 2, let start = TimeOfDay(String(parts[0])), let end = TimeOfDay(String(parts[1])) else {
            return nil
        }
        self.init(start, end)
    }

    public var description: String { "\(start)-\(end)" }
}
