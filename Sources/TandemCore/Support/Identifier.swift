// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A typed, string-backed identifier such as `usr_01JD...`.
///
/// Identifiers are time-ordered (see ``IdentifierGenerator``), so sorting by
/// identifier sorts by creation time; cursor pagination relies on this.
public struct Identifier<Tag>: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    /// The raw string, including the kind prefix.
    public let rawValue: String

    /// Wraps a raw identifier string.
    public init(_ rawValue: String) { self.rawValue = rawValue }

    public init(from decoder: any Decoder) throws {
        self.rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.rawValue < rhs.rawValue }
    public var description: String { rawValue }
}

public enum UserTag {}
public enum TeamTag {}
public enum SessionTag {}
public enum TicketTag {}
public enum CommentTag {}
public enum NotificationTag {}

public typealias UserID = Identifier<UserTag>
public typealias TeamID = Identifier<TeamTag>
public typealias SessionID = Identifier<SessionTag>
public typealias TicketID = Identifier<TicketTag>
public typealias CommentID = Identifier<CommentTag>
public typealias NotificationID = Identifier<NotificationTag>
