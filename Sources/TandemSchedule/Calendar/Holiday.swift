// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A date on which a business calendar is closed, all day or for some hours.
public struct Holiday: Hashable, Sendable {
    public var date: LocalDate
    /// The wall-clock hours closed that day; nil closes the whole day.
    public var closed: [TimeRange]?
    public var name: String

    public init(_ date: LocalDate, closed: [TimeRange]? = nil, name: String = "") {
        self.date = date
        self.closed = closed
        self.name = name
    }
}
