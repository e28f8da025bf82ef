// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemTestSupport
import Testing

@testable import TandemSchedule

/// Calendar arithmetic, SLA clocks and cron `next` checked against an independent oracle:
/// Tests/Oracles/schedule_oracle.py walks UTC time in steps and asks Python's zoneinfo what
/// the wall clock shows. Thousands of seeded random cases in five zones, most of them within
/// days of a DST transition, with holidays (some on transition days, some partial) and pauses.
/// Set TANDEM_TEST_SEED to repeat a run; a failure names its seed.
@Suite struct ScheduleOracleTests {
    static let zones = ["America/New_York", "Europe/Berlin", "Australia/Sydney", "Asia/Kolkata", "Pacific/Chatham"]
    /// Every generated instant, hour and duration is a multiple of this (the oracle's step).
    static let grid: Int64 = 300

    @Test func calendarsClocksAndCronAgreeWithTheOracle() throws {
        let seed =
            ProcessInfo.processInfo.environment["TANDEM_TEST_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        var generator = CaseGenerator(seed: seed)
        let request = generator.request(calendars: 40, calendarCases: 1_600, clockCases: 1_000, cronCases: 1_200)
        let started = ContinuousClock.now
        let answers = try PythonOracle.run(request, as: OracleResponse.self)
        let oracleTime = ContinuousClock.now - started
        let calendars = try request.calendars.map { try $0.calendar() }
        var mismatches: [String] = []

        for (index, (test, expected)) in zip(request.calendarCases, answers.calendarCases).enumerated() {
            let calendar = calendars[test.calendar]
            let start = Timestamp(seconds: test.start)
            let actual = CalendarAnswer(
                open: calendar.isOpen(at: start),
                duration: calendar.businessDuration(from: start, to: Timestamp(seconds: test.end)).seconds,
                deadline: calendar.deadline(from: start, adding: .seconds(test.amount)).seconds,
                nextOpening: calendar.nextOpening(after: start)?.seconds,
                nextClosing: calendar.nextClosing(after: start)?.seconds)
            if actual != expected {
                mismatches.append(
                    "calendar case \(index) \(test) on \(request.calendars[test.calendar]): \(actual) != oracle \(expected)")
            }
        }
        for (index, (test, expected)) in zip(request.clockCases, answers.clockCases).enumerated() {
            let clock = SLAClock(
                calendar: calendars[test.calendar], start: Timestamp(seconds: test.start),
                initial: TicketStatus(rawValue: test.initial)!,
                changes: test.changes.map {
                    StatusChange(at: Timestamp(seconds: $0.at), status: TicketStatus(rawValue: $0.status)!)
                })
            let actual = ClockAnswer(
                elapsed: clock.elapsed(at: Timestamp(seconds: test.now)).seconds,
                deadline: clock.instant(reaching: .seconds(test.amount))?.seconds)
            if actual != expected {
                mismatches.append(
                    "clock case \(index) \(test) on \(request.calendars[test.calendar]): \(actual) != oracle \(expected)")
            }
        }
        for (index, (test, expected)) in zip(request.cronCases, answers.cronCases).enumerated() {
            let cron = try CronExpression(test.expr, timeZone: test.zone)
            let actual = CronAnswer(next: cron.next(after: Timestamp(seconds: test.after))?.seconds)
            if actual != expected { mismatches.append("cron case \(index) \(test): \(actual) != oracle \(expected)") }
        }
        #expect(answers.calendarCases.count == request.calendarCases.count)
        #expect(answers.clockCases.count == request.clockCases.count)
        #expect(answers.cronCases.count == request.cronCases.count)
        #expect(
            mismatches.isEmpty,
            "seed \(seed) (TANDEM_TEST_SEED=\(seed) repeats it): \(mismatches.count) mismatches, first: \(mismatches.prefix(8).joined(separator: "\n"))"
        )
        print(
            "schedule oracle: seed \(seed), \(request.calendarCases.count + request.clockCases.count + request.cronCases.count) cases, oracle \(oracleTime)"
        )
    }
}

// MARK: - The oracle's request and answers

struct OracleRequest: Encodable {
    var calendars: [CalendarSpec]
    var calendarCases: [CalendarCase]
    var clockCases: [ClockCase]
    var cronCases: [CronCase]
}

struct CalendarSpec: Encodable, CustomStringConvertible {
    struct HolidaySpec: Encodable {
        var date: String
        var closed: [[Int]]?
    }
    var zone: String
    /// Weekday (0 = Sunday) to `[start, end]` minute pairs.
    var hours: [String: [[Int]]]
    var holidays: [HolidaySpec]

    func calendar() throws -> BusinessCalendar {
        func ranges(_ pairs: [[Int]]) -> [TimeRange] {
            pairs.map {
                TimeRange(TimeOfDay(hour: $0[0] / 60, minute: $0[0] % 60)!, TimeOfDay(hour: $0[1] / 60, minute: $0[1] % 60)!)
            }
        }
        return try BusinessCalendar(
            timeZone: zone,
            hours: Dictionary(uniqueKeysWithValues: hours.map { (Weekday(rawValue: Int($0.key)!)!, ranges($0.value)) }),
            holidays: holidays.map { Holiday(LocalDate($0.date)!, closed: $0.closed.map(ranges)) })
    }

    var description: String {
        let days = hours.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: " ")
        return "\(zone) {\(days)} holidays \(holidays.map { "\($0.date)\($0.closed.map { "\($0)" } ?? "")" })"
    }
}

struct CalendarCase: Encodable {
    var calendar: Int
    var start: Int64
    var end: Int64
    var amount: Int64
}

struct ClockCase: Encodable {
    struct Change: Encodable {
        var at: Int64
        var status: String
    }
    var calendar: Int
    var start: Int64
    var initial: String
    var changes: [Change]
    var now: Int64
    var amount: Int64
}

struct CronCase: Encodable {
    var expr: String
    var zone: String
    var after: Int64
}

struct OracleResponse: Decodable {
    var calendarCases: [CalendarAnswer]
    var clockCases: [ClockAnswer]
    var cronCases: [CronAnswer]
}

struct CalendarAnswer: Codable, Equatable {
    var open: Bool
    var duration: Int64
    var deadline: Int64
    var nextOpening: Int64?
    var nextClosing: Int64?
}

struct ClockAnswer: Codable, Equatable {
    var elapsed: Int64
    var deadline: Int64?
}

struct CronAnswer: Codable, Equatable {
    var next: Int64?
}

extension Timestamp {
    init(seconds: Int64) { self.init(millisecondsSince1970: seconds * 1000) }
    var seconds: Int64 { millisecondsSince1970 / 1000 }
}

extension Duration {
    var seconds: Int64 { components.seconds }
}

// MARK: - Random cases

/// Seeded random calendars and cases, on the oracle's grid, most of them near DST changes.
struct CaseGenerator {
    var random: SplitMix64
    /// 2024-01-01 to 2028-01-01 UTC.
    let span: ClosedRange<Int64> = 1_704_067_200...1_830_297_600
    var transitions: [String: [Int64]] = [:]

    init(seed: UInt64) {
        random = SplitMix64(seed: seed)
        for zone in ScheduleOracleTests.zones {
            let timeZone = TimeZone(identifier: zone)!
            var found: [Int64] = []
            var date = Date(timeIntervalSince1970: Double(span.lowerBound))
            while let next = timeZone.nextDaylightSavingTimeTransition(after: date),
                next.timeIntervalSince1970 < Double(span.upperBound)
            {
                found.append(Int64(next.timeIntervalSince1970))
                date = next
            }
            transitions[zone] = found
        }
    }

    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &random) }
    mutating func chance(_ probability: Double) -> Bool { Double.random(in: 0..<1, using: &random) < probability }
    mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }

    /// An instant on the grid: within three days of a transition of `zone` (mostly), else anywhere.
    mutating func instant(in zone: String) -> Int64 {
        let grid = ScheduleOracleTests.grid
        let near = transitions[zone] ?? []
        let base: Int64
        if !near.isEmpty, chance(0.7) {
            base = pick(near) + Int64(int(-3 * 288...3 * 288)) * grid
        } else {
            base = Int64.random(in: span, using: &random)
        }
        return base - ((base % grid) + grid) % grid
    }

    /// Sorted, disjoint minute ranges on the grid within one day, biased to cover the small hours.
    mutating func ranges(count: Int) -> [[Int]] {
        var cuts = Set<Int>()
        while cuts.count < count * 2 {
            let minute = chance(0.4) ? int(0...60) * 5 : int(0...288) * 5
            cuts.insert(minute)
        }
        let sorted = cuts.sorted()
        return stride(from: 0, to: sorted.count, by: 2).map { [sorted[$0], sorted[$0 + 1]] }
    }

    mutating func calendar(zone: String) -> CalendarSpec {
        if chance(0.1) {
            // Round the clock: days of 23 and 25 hours, stretches longer than a week.
            return CalendarSpec(
                zone: zone, hours: Dictionary(uniqueKeysWithValues: (0..<7).map { (String($0), [[0, 1440]]) }), holidays: [])
        }
        var hours: [String: [[Int]]] = [:]
        for weekday in 0..<7 where chance(0.8) { hours[String(weekday)] = ranges(count: int(1...3)) }
        if hours.isEmpty { hours["1"] = [[540, 1020]] }
        var holidays: [String: CalendarSpec.HolidaySpec] = [:]
        for _ in 0..<int(0...12) {
            let seconds = instant(in: zone)
            let timeZone = TimeZone(identifier: zone)!
            let wall = seconds + Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(seconds))))
            let date = LocalDate(daysSince1970: Int(floorDiv(wall, 86_400))).description
            holidays[date] = .init(date: date, closed: chance(0.5) ? nil : ranges(count: int(1...2)))
        }
        return CalendarSpec(zone: zone, hours: hours, holidays: Array(holidays.values).sorted { $0.date < $1.date })
    }

    mutating func request(calendars: Int, calendarCases: Int, clockCases: Int, cronCases: Int) -> OracleRequest {
        let grid = ScheduleOracleTests.grid
        let specs = (0..<calendars).map { calendar(zone: ScheduleOracleTests.zones[$0 % ScheduleOracleTests.zones.count]) }
        var request = OracleRequest(calendars: specs, calendarCases: [], clockCases: [], cronCases: [])
        for _ in 0..<calendarCases {
            let index = int(0...(calendars - 1))
            let start = instant(in: specs[index].zone)
            request.calendarCases.append(
                CalendarCase(
                    calendar: index, start: start, end: start + Int64(int(0...5 * 288)) * grid,
                    amount: chance(0.05) ? 0 : Int64(int(1...240)) * grid))
        }
        let statuses = ["new", "open", "pending", "on-hold", "solved"]
        for _ in 0..<clockCases {
            let index = int(0...(calendars - 1))
            let start = instant(in: specs[index].zone)
            var changes: [ClockCase.Change] = []
            for _ in 0..<int(0...6) {
                changes.append(.init(at: start + Int64(int(-20...4 * 288)) * grid, status: pick(statuses)))
            }
            request.clockCases.append(
                ClockCase(
                    calendar: index, start: start, initial: pick(statuses), changes: changes,
                    now: start + Int64(int(0...5 * 288)) * grid, amount: Int64(int(1...200)) * grid))
        }
        for _ in 0..<cronCases {
            let zone = pick(ScheduleOracleTests.zones)
            request.cronCases.append(CronCase(expr: cron(), zone: zone, after: instant(in: zone) + Int64(int(0...299))))
        }
        return request
    }

    /// A random expression that fires at least every few days, weighted to the small hours.
    mutating func cron() -> String {
        func field(_ low: Int, _ high: Int, names: [String] = []) -> String {
            switch int(0...9) {
            case 0: return "*"
            case 1: return "*/\(int(1...max(1, (high - low) / 2)))"
            case 2, 3:
                let a = int(low...high)
                let b = int(a...high)
                return chance(0.5) ? "\(a)-\(b)" : "\(a)-\(b)/\(int(1...3))"
            case 4: return "\(int(low...high))/\(int(1...5))"
            case 5, 6: return (0..<int(2...4)).map { _ in "\(int(low...high))" }.joined(separator: ",")
            default:
                let value = int(low...high)
                return !names.isEmpty && chance(0.5) ? names[value - low] : "\(value)"
            }
        }
        if chance(0.03) { return pick(["@hourly", "@daily", "@weekly", "@midnight"]) }
        let minute = field(0, 59)
        let hour = chance(0.6) ? field(0, 4) : field(0, 23)
        let days = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        let dayOfMonth = chance(0.7) ? "*" : field(1, 28)
        let dayOfWeek = chance(0.6) ? "*" : field(0, 6, names: days)
        let month = chance(0.9) ? "*" : "*/\(int(1...2))"
        return "\(minute) \(hour) \(dayOfMonth) \(month) \(dayOfWeek)"
    }
}
