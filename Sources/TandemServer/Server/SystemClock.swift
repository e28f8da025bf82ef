// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore

/// The wall clock.
public struct SystemClock: TandemClock {
    public init() {}

    public func now() -> Timestamp {
        Timestamp(millisecondsSince1970: Int64((Date().timeIntervalSince1970 * 1000).rounded(.down)))
    }
}

extension Timestamp {
    /// ISO 8601 in UTC with milliseconds, as the API shows times.
    public var iso8601: String {
        let date = Date(timeIntervalSince1970: Double(millisecondsSince1970) / 1000)
        return date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
