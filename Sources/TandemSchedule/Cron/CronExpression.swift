// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore

/// A five-field cron expression read in an IANA time zone: when a repeatable job is due.
///
/// Syntax: `minute hour day-of-month month day-of-week`, each `*`, a value, a range `a-b`, a
/// step `*/n`, `a-b/n` or `a/n` (from a to the field's end), or a comma list of those. Months
/// and weekdays also take three-letter English names (JAN, MON; any case); weekday 7 is
/// Sunday like 0. As in Vixie cron, when both day fields are restricted (neither starts with
/// `*`) a day matches if *either* does; otherwise both must. Also @yearly, @annually,
/// @monthly, @weekly, @daily, @midnight and @hourly.
///
/// Time-zone policy: the expression names wall-clock times of the zone, and each matching
/// wall time fires once.
/// - A wall time the clock shows twice (autumn) fires at its first occurrence only; during
///   the repeated hour nothing fires again, so `*/15 * * * *` is silent for that hour (use
///   `UTC` for interval-like jobs).
/// - A wall time the clock skips (spring) fires at the first instant after the gap (the
///   transition); all skipped times of one gap fire as that one instant, once.
public struct CronExpression: Hashable, Sendable {
    public let source: String
    public var timeZoneIdentifier: String { zone.identifier }
    let minutes: [Int]
    let hours: [Int]
    let days: Set<Int>
    let months: Set<Int>
    let weekdays: Set<Int>
    /// Vixie cron's rule: both day fields restricted means either may match.
    let eitherDay: Bool
    let zone: ZoneClock

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.source == rhs.source && lhs.timeZoneIdentifier == rhs.timeZoneIdentifier
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(source)
        hasher.combine(timeZoneIdentifier)
    }

    /// Parses `text` for the zone `timeZone` (validated like a calendar's, field `timeZone`).
    public init(_ text: String, timeZone: String) throws(ValidationError) {
        let zone = ZoneClock(timeZone: try BusinessCalendar.timeZone(timeZone, field: "timeZone"), identifier: timeZone)
        do {
            self = try CronExpression(text, zone: zone)
        } catch {
            throw error.validationError(field: "cron")
        }
    }

    /// Parses `text` in UTC, reporting where it fails.
    public static func parse(_ text: String) throws(CronParseError) -> CronExpression {
        try CronExpression(text, zone: ZoneClock(timeZone: TimeZone(identifier: "UTC")!, identifier: "UTC"))
    }

    private init(_ text: String, zone: ZoneClock) throws(CronParseError) {
        source = text
        self.zone = zone
        let fields = try Self.fields(text)
        var sets: [Set<Int>] = []
        for field in CronField.allCases {
            sets.append(try Self.values(fields[field.rawValue].text, field: field, position: fields[field.rawValue].position))
        }
        minutes = sets[0].sorted()
        hours = sets[1].sorted()
        days = sets[2]
        months = sets[3]
        weekdays = Set(sets[4].map { $0 % 7 })
        let dayRestricted = !fields[2].text.hasPrefix("*")
        let weekdayRestricted = !fields[4].text.hasPrefix("*")
        eitherDay = dayRestricted && weekdayRestricted
        if dayRestricted && !weekdayRestricted {
            let possible = months.contains { month in days.contains { $0 <= LocalDate.daysIn(month: month, year: 2000) } }
            if !possible { throw CronParseError(field: .dayOfMonth, position: fields[2].position, reason: .neverMatches) }
        }
    }

    /// The five fields of `text` with their offsets, a macro expanded.
    static func fields(_ text: String) throws(CronParseError) -> [(text: String, position: Int)] {
        let characters = Array(text)
        var fields: [(text: String, position: Int)] = []
        var index = 0
        while index < characters.count {
            if characters[index].isWhitespace {
                index += 1
                continue
            }
            let start = index
            while index < characters.count, !characters[index].isWhitespace { index += 1 }
            fields.append((String(characters[start..<index]), start))
        }
        if fields.count == 1, fields[0].text.hasPrefix("@") {
            let expanded: String? =
                switch fields[0].text.lowercased() {
                case "@yearly", "@annually": "0 0 1 1 *"
                case "@monthly": "0 0 1 * *"
                case "@weekly": "0 0 * * 0"
                case "@daily", "@midnight": "0 0 * * *"
                case "@hourly": "0 * * * *"
                default: nil
                }
            guard let expanded else {
                throw CronParseError(field: nil, position: fields[0].position, reason: .unknownMacro(fields[0].text))
            }
            return try Self.fields(expanded)
        }
        guard fields.count == 5 else {
            let position = fields.count > 5 ? fields[5].position : characters.count
            throw CronParseError(field: nil, position: position, reason: .fieldCount(fields.count))
        }
        return fields
    }

    /// The first instant strictly after `instant` at which the expression fires, within ten
    /// years; nil if none (a day such as 29 February with an unlikely weekday).
    public func next(after instant: Timestamp) -> Timestamp? {
        let t = instant.millisecondsSince1970
        let firstWall = (floorDiv(zone.wall(at: t), 60_000) + 1) * 60_000
        let firstDay = floorDiv(firstWall, ZoneClock.day)
        var fromMinute = Int((firstWall - firstDay * ZoneClock.day) / 60_000)
        for day in firstDay..<(firstDay + 3_660) {
            defer { fromMinute = 0 }
            guard matches(LocalDate(daysSince1970: Int(day))) else { continue }
            for hour in hours where hour * 60 + 59 >= fromMinute {
                for minute in minutes where hour * 60 + minute >= fromMinute {
                    let wall = day * ZoneClock.day + Int64(hour * 60 + minute) * 60_000
                    let fires = zone.firstInstant(atWall: wall)
                    if fires > t { return Timestamp(millisecondsSince1970: fires) }
                }
            }
        }
        return nil
    }

    func matches(_ date: LocalDate) -> Bool {
        guard months.contains(date.month) else { return false }
        let day = days.contains(date.day)
        let weekday = weekdays.contains(date.weekday.rawValue)
        return eitherDay ? day || weekday : day && weekday
    }

    /// The values one field allows.
    static func values(_ text: String, field: CronField, position: Int) throws(CronParseError) -> Set<Int> {
        var result: Set<Int> = []
        var offset = position
        for item in text.split(separator: ",", omittingEmptySubsequences: false) {
            defer { offset += item.count + 1 }
            if item.isEmpty { throw CronParseError(field: field, position: offset, reason: .emptyItem) }
            let parts = item.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
            let base = parts[0]
            var low = field.range.lowerBound
            var high = field.range.upperBound
            if field == .dayOfWeek { high = 6 }  // `*` means every day once; 7 only as a value
            if base != "*" {
                let bounds = base.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
                low = try value(bounds[0], field: field, position: offset)
                if bounds.count == 2 {
                    high = try value(bounds[1], field: field, position: offset + bounds[0].count + 1)
                    if low > high { throw CronParseError(field: field, position: offset, reason: .invertedRange(low, high)) }
                } else if parts.count == 1 {
                    high = low
                } else {
                    high = field.range.upperBound == 7 ? 6 : field.range.upperBound
                }
            }
            var step = 1
            if parts.count == 2 {
                let span = field.range.upperBound - field.range.lowerBound + 1
                guard let parsed = Int(parts[1]), parts[1].allSatisfy(\.isASCII), (1...span).contains(parsed) else {
                    throw CronParseError(
                        field: field, position: offset + base.count + 1, reason: .invalidStep(String(parts[1])))
                }
                step = parsed
            }
            result.formUnion(stride(from: low, through: high, by: step))
        }
        return result
    }

    static func value(_ text: Substring, field: CronField, position: Int) throws(CronParseError) -> Int {
        if let index = field.names.firstIndex(of: text.uppercased()) { return index + field.firstNamed }
        guard !text.isEmpty, text.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(text) else {
            throw CronParseError(field: field, position: position, reason: .invalidValue(String(text)))
        }
        guard field.range.contains(number) else {
            throw CronParseError(field: field, position: position, reason: .outOfRange(number, field.range))
        }
        return number
    }
}
