// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import Testing

@testable import TandemSchedule

/// Validation errors name the field; DST days keep their wall-clock hours.
@Suite struct BusinessCalendarTests {
    static let weekdays: [Weekday] = [.monday, .tuesday, .wednesday, .thursday, .friday]

    static func nineToFive(_ zone: String, holidays: [Holiday] = []) throws -> BusinessCalendar {
        try BusinessCalendar(
            timeZone: zone, hours: Dictionary(uniqueKeysWithValues: (Weekday.allCases).map { ($0, [TimeRange("09:00-17:00")!]) }),
            holidays: holidays)
    }

    /// `2025-03-09T07:00:00Z` style.
    static func at(_ text: String) -> Timestamp {
        let formatter = ISO8601DateFormatter()
        return Timestamp(millisecondsSince1970: Int64(formatter.date(from: text)!.timeIntervalSince1970 * 1000))
    }

    func error(_ body: () throws -> Void) -> ValidationError? {
        do {
            try body()
            return nil
        } catch {
            return error as? ValidationError
        }
    }

    @Test func badInputIsATypedErrorNamingTheField() throws {
        let hours: [Weekday: [TimeRange]] = [.monday: [TimeRange("09:00-12:00")!]]
        let zone = error { _ = try BusinessCalendar(timeZone: "Mars/Olympus_Mons", hours: hours) }
        #expect(zone?.field == "timeZone" && zone?.code == "unknown_time_zone")
        #expect(error { _ = try BusinessCalendar(timeZone: "GMT+5", hours: hours) }?.code == "unknown_time_zone")
        #expect(error { _ = try BusinessCalendar(timeZone: "utc", hours: hours) }?.code == "unknown_time_zone")
        for name in ["UTC", "Etc/UTC", "US/Eastern", "Asia/Kolkata"] {
            #expect(try BusinessCalendar(timeZone: name, hours: hours).timeZoneIdentifier == name)
        }
        let overlap = error {
            _ = try BusinessCalendar(
                timeZone: "Europe/Berlin", hours: [.tuesday: [TimeRange("13:00-17:00")!, TimeRange("09:00-13:30")!]])
        }
        #expect(overlap?.field == "hours.tuesday[1]" && overlap?.code == "overlapping_hours")
        let inverted = error {
            _ = try BusinessCalendar(
                timeZone: "Europe/Berlin", hours: [.friday: [TimeRange("09:00-12:00")!, TimeRange("17:00-13:00")!]])
        }
        #expect(inverted?.field == "hours.friday[1]" && inverted?.code == "inverted_interval")
        #expect(error { _ = try BusinessCalendar(timeZone: "UTC", hours: [:]) }?.field == "hours")
        let duplicate = error {
            _ = try BusinessCalendar(
                timeZone: "UTC", hours: hours, holidays: [Holiday(LocalDate("2025-12-25")!), Holiday(LocalDate("2025-12-25")!)])
        }
        #expect(duplicate?.field == "holidays[1].date" && duplicate?.code == "duplicate_holiday")
        let partial = error {
            _ = try BusinessCalendar(
                timeZone: "UTC", hours: hours, holidays: [Holiday(LocalDate("2025-12-24")!, closed: [TimeRange("12:00-12:00")!])])
        }
        #expect(partial?.field == "holidays[0].closed[0]")
        // Adjacent intervals are fine, and so is 24:00 as an end.
        #expect(
            error {
                _ = try BusinessCalendar(
                    timeZone: "UTC", hours: [.monday: [TimeRange("00:00-12:00")!, TimeRange("12:00-24:00")!]])
            } == nil)
        #expect(TimeOfDay("24:01") == nil && TimeOfDay("7:00") == nil && LocalDate("2025-02-29") == nil)
    }

    /// 09:00-17:00 in New York is 09:00-17:00 EDT on the spring-forward Sunday (13:00-21:00 UTC)
    /// and EST on the fall-back Sunday (14:00-22:00 UTC); a day is 8 business hours either way.
    @Test func wallClockHoursHoldOnDSTChangeDays() throws {
        let calendar = try Self.nineToFive("America/New_York")
        #expect(calendar.nextOpening(after: Self.at("2025-03-09T07:00:00Z")) == Self.at("2025-03-09T13:00:00Z"))
        #expect(calendar.nextClosing(after: Self.at("2025-03-09T07:00:00Z")) == Self.at("2025-03-09T21:00:00Z"))
        #expect(calendar.nextOpening(after: Self.at("2025-11-02T05:00:00Z")) == Self.at("2025-11-02T14:00:00Z"))
        #expect(
            calendar.businessDuration(from: Self.at("2025-11-01T00:00:00Z"), to: Self.at("2025-11-03T00:00:00Z"))
                == .seconds(16 * 3600))
        // 10 business hours from Saturday 16:00 EDT: 1 h Saturday, 8 h Sunday (EST from 02:00), 1 h Monday.
        #expect(
            calendar.deadline(from: Self.at("2025-11-01T20:00:00Z"), adding: .seconds(10 * 3600))
                == Self.at("2025-11-03T15:00:00Z"))
        #expect(calendar.isOpen(at: Self.at("2025-11-02T14:00:00Z")) && !calendar.isOpen(at: Self.at("2025-11-02T13:59:59Z")))
    }

    /// Hours through a skipped hour lose it; hours through a repeated hour count it twice.
    @Test func skippedAndRepeatedWallTimes() throws {
        let nights = try BusinessCalendar(timeZone: "Europe/Berlin", hours: [.sunday: [TimeRange("01:00-04:00")!]])
        // 2025-03-30: 02:00 CET becomes 03:00 CEST, so 01:00-04:00 is two real hours.
        #expect(
            nights.businessDuration(from: Self.at("2025-03-29T12:00:00Z"), to: Self.at("2025-03-30T12:00:00Z"))
                == .seconds(2 * 3600))
        // 2025-10-26: 03:00 CEST becomes 02:00 CET, so 01:00-04:00 is four real hours.
        #expect(
            nights.businessDuration(from: Self.at("2025-10-25T12:00:00Z"), to: Self.at("2025-10-26T12:00:00Z"))
                == .seconds(4 * 3600))
        // An interval wholly inside the gap never opens that day.
        let gap = try BusinessCalendar(timeZone: "Europe/Berlin", hours: [.sunday: [TimeRange("02:15-02:45")!]])
        #expect(gap.nextOpening(after: Self.at("2025-03-29T00:00:00Z")) == Self.at("2025-04-06T00:15:00Z"))
    }

    @Test func holidaysCloseWholeDaysOrSomeHours() throws {
        let calendar = try Self.nineToFive(
            "Europe/Berlin",
            holidays: [
                Holiday(LocalDate("2025-12-25")!, name: "Christmas"),
                Holiday(LocalDate("2025-12-24")!, closed: [TimeRange("12:00-24:00")!], name: "Christmas Eve"),
            ])
        // 24th: 09:00-12:00 CET only; 25th closed; 26th 09:00-17:00.
        #expect(
            calendar.businessDuration(from: Self.at("2025-12-24T00:00:00Z"), to: Self.at("2025-12-27T00:00:00Z"))
                == .seconds(11 * 3600))
        #expect(
            calendar.deadline(from: Self.at("2025-12-24T10:30:00Z"), adding: .seconds(3600)) == Self.at("2025-12-26T08:30:00Z"))
        #expect(calendar.nextOpening(after: Self.at("2025-12-24T11:00:00Z")) == Self.at("2025-12-26T08:00:00Z"))
    }

    @Test func deadlinesEndAtAClosingNotTheNextOpening() throws {
        let calendar = try Self.nineToFive("Asia/Kolkata")
        // Kolkata is UTC+05:30: 09:00-17:00 is 03:30-11:30 UTC.
        #expect(
            calendar.deadline(from: Self.at("2025-06-02T03:30:00Z"), adding: .seconds(8 * 3600))
                == Self.at("2025-06-02T11:30:00Z"))
        #expect(calendar.deadline(from: Self.at("2025-06-02T12:00:00Z"), adding: .zero) == Self.at("2025-06-02T12:00:00Z"))
        #expect(
            calendar.deadline(from: Self.at("2025-06-02T12:00:00Z"), adding: .milliseconds(1))
                == Self.at("2025-06-03T03:30:00Z").adding(milliseconds: 1))
        #expect(calendar.businessDuration(from: Self.at("2025-06-03T00:00:00Z"), to: Self.at("2025-06-02T00:00:00Z")) == .zero)
    }

    /// The always-open calendar neither opens nor closes, and counts every millisecond.
    @Test func alwaysOpen() {
        let calendar = BusinessCalendar.alwaysOpen
        let start = Self.at("2025-01-01T00:00:00Z")
        #expect(calendar.isOpen(at: start))
        #expect(calendar.nextOpening(after: start) == nil && calendar.nextClosing(after: start) == nil)
        #expect(calendar.deadline(from: start, adding: .seconds(40 * 86_400)) == Self.at("2025-02-10T00:00:00Z"))
        #expect(calendar.businessDuration(from: start, to: Self.at("2026-01-01T00:00:00Z")) == .seconds(365 * 86_400))
    }

    @Test func localDatesRoundTrip() {
        for days in stride(from: -800_000, through: 800_000, by: 997) {
            let date = LocalDate(daysSince1970: days)
            #expect(date.daysSince1970 == days && LocalDate(year: date.year, month: date.month, day: date.day) == date)
        }
        #expect(LocalDate("2025-11-02")!.weekday == .sunday && LocalDate("1970-01-01")!.weekday == .thursday)
    }
}
