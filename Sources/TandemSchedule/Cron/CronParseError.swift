// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Why a cron expression does not parse, and where.
public struct CronParseError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Reason: Hashable, Sendable {
        /// Not five fields (or a known `@` macro).
        case fieldCount(Int)
        /// An `@` macro other than @yearly, @annually, @monthly, @weekly, @daily, @midnight, @hourly.
        case unknownMacro(String)
        /// Nothing between two commas, or at the end of a list.
        case emptyItem
        /// Not a number (or, in the month and weekday fields, a three-letter name).
        case invalidValue(String)
        /// A value outside the field's range.
        case outOfRange(Int, ClosedRange<Int>)
        /// A range whose start lies after its end, such as `5-2`.
        case invertedRange(Int, Int)
        /// A step that is not a whole number from 1 up to the field's span.
        case invalidStep(String)
        /// The day of month never occurs in the months allowed, such as `30 2`.
        case neverMatches
    }

    /// The field at fault; nil for the whole expression.
    public var field: CronField?
    /// The 0-based character offset in the expression where the fault starts.
    public var position: Int
    public var reason: Reason

    public var description: String {
        let place = "position \(position)" + (field.map { " (\($0.name))" } ?? "")
        switch reason {
        case .fieldCount(let count):
            return "\(place): a cron expression has 5 fields (minute hour day-of-month month day-of-week), not \(count)"
        case .unknownMacro(let macro): return "\(place): unknown macro \(macro)"
        case .emptyItem: return "\(place): empty list item"
        case .invalidValue(let text): return "\(place): \"\(text)\" is not a value"
        case .outOfRange(let value, let range):
            return "\(place): \(value) is outside \(range.lowerBound)-\(range.upperBound)"
        case .invertedRange(let low, let high): return "\(place): the range \(low)-\(high) runs backwards"
        case .invalidStep(let text): return "\(place): \"\(text)\" is not a valid step"
        case .neverMatches: return "\(place): the day of month never occurs in the months given"
        }
    }

    /// This error as a request validation error on `field` (code `invalid_cron`).
    public func validationError(field name: String) -> ValidationError {
        ValidationError(field: name, code: "invalid_cron", message: "\(name): \(description).")
    }
}

/// The five fields of a cron expression.
public enum CronField: Int, Hashable, Sendable, CaseIterable {
    case minute, hour, dayOfMonth, month, dayOfWeek

    public var name: String {
        switch self {
        case .minute: "minute"
        case .hour: "hour"
        case .dayOfMonth: "day of month"
        case .month: "month"
        case .dayOfWeek: "day of week"
        }
    }

    var range: ClosedRange<Int> {
        switch self {
        case .minute: 0...59
        case .hour: 0...23
        case .dayOfMonth: 1...31
        case .month: 1...12
        case .dayOfWeek: 0...7
        }
    }

    var names: [String] {
        switch self {
        case .month: ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
        case .dayOfWeek: ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"]
        default: []
        }
    }

    /// The first value `names` stand for.
    var firstNamed: Int { self == .month ? 1 : 0 }
}
