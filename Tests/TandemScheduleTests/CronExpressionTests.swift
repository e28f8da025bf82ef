// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@testable import TandemSchedule

/// Parse errors name the field and position; `next` follows the documented DST policy.
@Suite struct CronExpressionTests {
    func parseError(_ text: String) -> CronParseError? {
        do {
            _ = try CronExpression.parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func parseErrorsNameTheFieldAndPosition() {
        #expect(parseError("61 * * * *") == CronParseError(field: .minute, position: 0, reason: .outOfRange(61, 0...59)))
        #expect(parseError("* * * *") == CronParseError(field: nil, position: 7, reason: .fieldCount(4)))
        #expect(parseError("* * * * * *") == CronParseError(field: nil, position: 10, reason: .fieldCount(6)))
        #expect(parseError("*/0 * * * *") == CronParseError(field: .minute, position: 2, reason: .invalidStep("0")))
        #expect(parseError("0 9 * FOO *") == CronParseError(field: .month, position: 6, reason: .invalidValue("FOO")))
        #expect(parseError("0 9 * * MON-FOO") == CronParseError(field: .dayOfWeek, position: 12, reason: .invalidValue("FOO")))
        #expect(parseError("5-2 * * * *") == CronParseError(field: .minute, position: 0, reason: .invertedRange(5, 2)))
        #expect(parseError("1,,2 * * * *") == CronParseError(field: .minute, position: 2, reason: .emptyItem))
        #expect(parseError("0  0 30,31 2 *") == CronParseError(field: .dayOfMonth, position: 5, reason: .neverMatches))
        #expect(parseError("@every") == CronParseError(field: nil, position: 0, reason: .unknownMacro("@every")))
        #expect(parseError("0 24 * * *")?.field == .hour)
        #expect(parseError("0 0 0 * *")?.field == .dayOfMonth)
        #expect(parseError("0 0 29 2 *") == nil && parseError("0 0 30 2 MON") == nil && parseError("@daily") == nil)
        #expect(parseError("61 * * * *")?.description == "position 0 (minute): 61 is outside 0-59")
    }

    @Test func validationErrorsForRequests() {
        func failure(_ text: String, _ zone: String) -> ValidationError? {
            do {
                _ = try CronExpression(text, timeZone: zone)
                return nil
            } catch {
                return error
            }
        }
        #expect(failure("0 9 * * MON", "Europe/Nowhere")?.field == "timeZone")
        let bad = failure("0 9 * * MONDAY", "Europe/Berlin")
        #expect(bad?.field == "cron" && bad?.code == "invalid_cron" && bad?.message.contains("position 8") == true)
    }

    static func next(_ text: String, _ zone: String, after: String) throws -> Timestamp? {
        try CronExpression(text, timeZone: zone).next(after: BusinessCalendarTests.at(after))
    }

    /// New York springs forward at 02:00 on 2025-03-09 and falls back at 02:00 on 2025-11-02.
    @Test func skippedTimesFireOnceAfterTheGapAndRepeatedTimesOnceAtTheFirst() throws {
        let york = "America/New_York"
        #expect(
            try Self.next("30 2 * * *", york, after: "2025-03-08T12:00:00Z") == BusinessCalendarTests.at("2025-03-09T07:00:00Z"))
        #expect(
            try Self.next("30 2 * * *", york, after: "2025-03-09T07:00:00Z") == BusinessCalendarTests.at("2025-03-10T06:30:00Z"))
        // Every skipped minute of the gap collapses into the one instant after it.
        #expect(
            try Self.next("*/10 2 * * *", york, after: "2025-03-09T06:59:00Z") == BusinessCalendarTests.at("2025-03-09T07:00:00Z")
        )
        #expect(
            try Self.next("*/10 2 * * *", york, after: "2025-03-09T07:00:00Z") == BusinessCalendarTests.at("2025-03-10T06:00:00Z")
        )
        #expect(
            try Self.next("30 1 * * *", york, after: "2025-11-01T12:00:00Z") == BusinessCalendarTests.at("2025-11-02T05:30:00Z"))
        #expect(
            try Self.next("30 1 * * *", york, after: "2025-11-02T05:30:00Z") == BusinessCalendarTests.at("2025-11-03T06:30:00Z"))
        // The repeated hour is silent: 01:45 EDT, then 02:00 EST.
        #expect(
            try Self.next("*/15 * * * *", york, after: "2025-11-02T05:45:00Z") == BusinessCalendarTests.at("2025-11-02T07:00:00Z")
        )
        // In UTC an interval job keeps its rhythm.
        #expect(
            try Self.next("*/15 * * * *", "UTC", after: "2025-11-02T05:45:00Z")
                == BusinessCalendarTests.at("2025-11-02T06:00:00Z"))
    }

    @Test func namesStepsAndTheVixieDayRule() throws {
        // Both day fields restricted: the 1st or a Monday.
        #expect(
            try Self.next("0 9 1 * MON", "UTC", after: "2025-06-01T09:00:00Z") == BusinessCalendarTests.at("2025-06-02T09:00:00Z")
        )
        #expect(
            try Self.next("0 9 1 * MON", "UTC", after: "2025-06-30T09:00:00Z") == BusinessCalendarTests.at("2025-07-01T09:00:00Z")
        )
        // Only one restricted: both must hold (`*/2` counts as unrestricted, as in Vixie cron).
        #expect(
            try Self.next("0 9 */2 * MON", "UTC", after: "2025-06-01T00:00:00Z")
                == BusinessCalendarTests.at("2025-06-09T09:00:00Z"))
        #expect(
            try Self.next("0 0 * * 7", "UTC", after: "2025-06-02T00:00:00Z") == BusinessCalendarTests.at("2025-06-08T00:00:00Z"))
        #expect(
            try Self.next("15 10 * jan,Jul sat,SUN", "Asia/Kolkata", after: "2025-06-30T00:00:00Z")
                == BusinessCalendarTests.at("2025-07-05T04:45:00Z"))
        #expect(
            try Self.next("0 0 29 2 *", "UTC", after: "2025-01-01T00:00:00Z") == BusinessCalendarTests.at("2028-02-29T00:00:00Z"))
        #expect(
            try Self.next("@hourly", "UTC", after: "2025-01-01T00:00:00Z") == BusinessCalendarTests.at("2025-01-01T01:00:00Z"))
        // Strictly after, whatever the seconds.
        let cron = try CronExpression("* * * * *", timeZone: "UTC")
        #expect(
            cron.next(after: BusinessCalendarTests.at("2025-01-01T00:00:00Z").adding(milliseconds: 59_999))
                == BusinessCalendarTests.at("2025-01-01T00:01:00Z"))
    }
}
