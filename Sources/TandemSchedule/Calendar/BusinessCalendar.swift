// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore

/// Business hours in one IANA time zone: weekly hours, several intervals a day, and holidays.
///
/// Semantics, which every function here follows and the Python oracle checks:
/// - An instant is *open* when the wall clock of the zone shows a date and time inside that
///   date's weekday hours and outside that date's holiday closures. Hours are wall-clock
///   hours: 09:00-17:00 on a DST change day is 09:00-17:00 local, 7 or 9 hours long if the
///   change falls inside it.
/// - A wall time the clock skips (spring forward) is never open; an interval running through
///   the gap simply loses the skipped part. A wall time the clock shows twice (autumn) is open
///   both times: 01:00-02:00 on a New York fall-back day is two real hours.
/// - Business time is the measure of open instants; durations are exact in milliseconds.
public struct BusinessCalendar: Sendable {
    /// The zone's tz database identifier, for example `Europe/Berlin`.
    public var timeZoneIdentifier: String { zone.identifier }
    /// Open intervals for each weekday, sorted and disjoint (adjacent ones are kept apart).
    public let hours: [Weekday: [TimeRange]]
    /// Holidays by date.
    public let holidays: [LocalDate: Holiday]
    let zone: ZoneClock

    /// The largest number of holidays a calendar may list.
    public static let maximumHolidays = 2_000

    /// A validated calendar. Field names in errors: `timeZone`, `hours`, `hours.monday[1]`,
    /// `holidays[2].date`, `holidays[2].closed[0]`.
    public init(
        timeZone identifier: String, hours: [Weekday: [TimeRange]], holidays: [Holiday] = []
    ) throws(ValidationError) {
        let timeZone = try Self.timeZone(identifier, field: "timeZone")
        var checked: [Weekday: [TimeRange]] = [:]
        for weekday in Weekday.allCases {
            let ranges = try Self.checked(hours[weekday] ?? [], field: "hours.\(weekday)")
            if !ranges.isEmpty { checked[weekday] = ranges }
        }
        if checked.isEmpty {
            throw ValidationError(field: "hours", code: "no_hours", message: "hours must open at least once a week.")
        }
        if holidays.count > Self.maximumHolidays {
            throw ValidationError(
                field: "holidays", code: "too_many", message: "holidays must list at most \(Self.maximumHolidays) dates.")
        }
        var byDate: [LocalDate: Holiday] = [:]
        for (index, holiday) in holidays.enumerated() {
            let field = "holidays[\(index)]"
            if byDate[holiday.date] != nil {
                throw ValidationError(
                    field: "\(field).date", code: "duplicate_holiday",
                    message: "\(field).date repeats \(holiday.date); list each date once.")
            }
            var holiday = holiday
            if let closed = holiday.closed {
                if closed.isEmpty {
                    throw ValidationError(
                        field: "\(field).closed", code: "required",
                        message: "\(field).closed must list hours; omit it to close the whole day.")
                }
                holiday.closed = try Self.checked(closed, field: "\(field).closed")
            }
            byDate[holiday.date] = holiday
        }
        self.hours = checked
        self.holidays = byDate
        self.zone = ZoneClock(timeZone: timeZone, identifier: identifier)
    }

    /// Open every minute of every day (UTC).
    public static let alwaysOpen = try! BusinessCalendar(
        timeZone: "UTC", hours: Dictionary(uniqueKeysWithValues: Weekday.allCases.map { ($0, [TimeRange(.midnight, .endOfDay)]) })
    )

    /// Whether business time runs at `instant`.
    public func isOpen(at instant: Timestamp) -> Bool {
        let t = instant.millisecondsSince1970
        var stretches = OpenStretches(calendar: self, from: t)
        while let stretch = stretches.next() {
            if stretch.range.upperBound > t { return stretch.range.lowerBound <= t }
        }
        return false
    }

    /// The first instant after `instant` at which the calendar opens (closed just before it,
    /// open from it); nil if it does not open within ``searchHorizonDays``.
    public func nextOpening(after instant: Timestamp) -> Timestamp? {
        let t = instant.millisecondsSince1970
        var stretches = OpenStretches(calendar: self, from: t)
        while let stretch = stretches.next() {
            if stretch.range.lowerBound > t, !stretch.continuesPrevious {
                return Timestamp(millisecondsSince1970: stretch.range.lowerBound)
            }
        }
        return nil
    }

    /// The first instant after `instant` at which the calendar closes (open just before it,
    /// closed from it); nil if it does not close within ``searchHorizonDays``.
    public func nextClosing(after instant: Timestamp) -> Timestamp? {
        let t = instant.millisecondsSince1970
        var stretches = OpenStretches(calendar: self, from: t)
        var candidate: Int64?
        while let stretch = stretches.next() {
            if let end = candidate, !stretch.continuesPrevious { return Timestamp(millisecondsSince1970: end) }
            if stretch.range.upperBound > t { candidate = stretch.range.upperBound }
        }
        return nil
    }

    /// The business time from `start` to `end` (zero if `end` is not after `start`).
    public func businessDuration(from start: Timestamp, to end: Timestamp) -> Duration {
        .milliseconds(businessMilliseconds(from: start.millisecondsSince1970, to: end.millisecondsSince1970))
    }

    /// The earliest instant at or after `start` by which `duration` of business time has
    /// passed: `start` itself for zero, the end of an open stretch (not the next opening) if
    /// the time runs out exactly at a closing.
    public func deadline(from start: Timestamp, adding duration: Duration) -> Timestamp {
        Timestamp(millisecondsSince1970: deadline(from: start.millisecondsSince1970, adding: duration.milliseconds))
    }

    /// How far ahead the `next…` searches look (a calendar opens at least weekly, so only a
    /// closing of the always-open calendar is ever that far away).
    public static let searchHorizonDays = 3_660

    func businessMilliseconds(from start: Int64, to end: Int64) -> Int64 {
        guard end > start else { return 0 }
        var total: Int64 = 0
        let days = Int((end - start) / ZoneClock.day) + 3
        var stretches = OpenStretches(calendar: self, from: start, horizonDays: days)
        while let stretch = stretches.next(), stretch.range.lowerBound < end {
            let lower = max(stretch.range.lowerBound, start)
            let upper = min(stretch.range.upperBound, end)
            if upper > lower { total += upper - lower }
        }
        return total
    }

    func deadline(from start: Int64, adding amount: Int64) -> Int64 {
        guard amount > 0 else { return start }
        var remaining = amount
        var stretches = OpenStretches(calendar: self, from: start, horizonDays: Int.max)
        while let stretch = stretches.next() {
            let lower = max(stretch.range.lowerBound, start)
            guard stretch.range.upperBound > lower else { continue }
            let available = stretch.range.upperBound - lower
            if available >= remaining { return lower + remaining }
            remaining -= available
        }
        preconditionFailure("a validated calendar opens every week")
    }

    /// The open wall-clock ranges of one local date: its weekday's hours minus its holiday.
    func openRanges(on date: LocalDate) -> [TimeRange] {
        let weekly = hours[date.weekday] ?? []
        guard let holiday = holidays[date] else { return weekly }
        guard let closed = holiday.closed else { return [] }
        var open = weekly
        for gap in closed {
            open = open.flatMap { range -> [TimeRange] in
                var parts: [TimeRange] = []
                if range.start < gap.start { parts.append(TimeRange(range.start, min(range.end, gap.start))) }
                if range.end > gap.end { parts.append(TimeRange(max(range.start, gap.end), range.end)) }
                return parts.filter { $0.start < $0.end }
            }
        }
        return open
    }

    static func timeZone(_ identifier: String, field: String) throws(ValidationError) -> TimeZone {
        // Foundation also accepts spellings such as `GMT+5` and renames them: not IANA names. It
        // renames `UTC` too (to `GMT`), which is one.
        guard let timeZone = TimeZone(identifier: identifier), timeZone.identifier == identifier || identifier == "UTC"
        else {
            throw ValidationError(
                field: field, code: "unknown_time_zone",
                message: "\(field) must be an IANA time zone such as Europe/Berlin; \"\(identifier)\" is not one.")
        }
        return timeZone
    }

    /// Sorted ranges, each non-empty, none overlapping another.
    static func checked(_ ranges: [TimeRange], field: String) throws(ValidationError) -> [TimeRange] {
        for (index, range) in ranges.enumerated() where range.start >= range.end {
            throw ValidationError(
                field: "\(field)[\(index)]", code: "inverted_interval",
                message: "\(field)[\(index)] must start before it ends; \(range) does not.")
        }
        let sorted = ranges.enumerated().sorted { $0.element.start < $1.element.start }
        for (previous, next) in zip(sorted, sorted.dropFirst()) where next.element.start < previous.element.end {
            let index = max(previous.offset, next.offset)
            throw ValidationError(
                field: "\(field)[\(index)]", code: "overlapping_hours",
                message: "\(field)[\(index)] (\(ranges[index])) overlaps \(field)[\(min(previous.offset, next.offset))].")
        }
        return sorted.map(\.element)
    }
}

extension Duration {
    /// This duration in whole milliseconds (rounded towards zero).
    var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }
}
