// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A point in time as whole milliseconds since 1970-01-01 UTC.
///
/// Tandem keeps time as an integer so that it encodes the same way in JSON,
/// SQLite and BSON, and so that it compares exactly.
public struct Timestamp: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var millisecondsSince1970: Int64

    public init(millisecondsSince1970: Int64) {
        self.millisecondsSince1970 = millisecondsSince1970
    }

    public init(from decoder: any Decoder) throws {
        millisecondsSince1970 = try decoder.singleValueContainer().decode(Int64.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(millisecondsSince1970)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.millisecondsSince1970 < rhs.millisecondsSince1970 }

    /// This time moved by `milliseconds`.
    public func adding(milliseconds: Int64) -> Timestamp {
        Timestamp(millisecondsSince1970: millisecondsSince1970 + milliseconds)
    }

    /// This time moved by `seconds`.
    public func adding(seconds: Int64) -> Timestamp { adding(milliseconds: seconds * 1000) }

    public var description: String { "\(millisecondsSince1970)ms" }
}

/// The source of the current time. A seam so that tests can move time.
public protocol TandemClock: Sendable {
    /// The current time.
    func now() -> Timestamp
}
