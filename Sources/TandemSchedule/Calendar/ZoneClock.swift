// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// Wall-clock arithmetic in one IANA time zone, on integer milliseconds since 1970 UTC.
///
/// A *wall* time is the local date and time read off a clock in the zone, written as
/// milliseconds since 1970-01-01 00:00 as if that clock were UTC. Offsets come from
/// Foundation's `TimeZone` (the tz database); everything else is integer arithmetic.
///
/// Invariant relied on: a zone changes its offset at most once in any 6 hours, and
/// transitions fall on whole seconds (true of every tz database zone since 1900).
struct ZoneClock: Sendable {
    static let hour: Int64 = 3_600_000
    static let day: Int64 = 86_400_000
    /// No zone is further than this from UTC (the tz range is -12:00...+14:00).
    static let maximumOffset: Int64 = 15 * hour

    let timeZone: TimeZone
    /// The identifier the zone was asked for (Foundation calls `UTC` `GMT`).
    let identifier: String

    /// The zone's offset from UTC at `instant`, in milliseconds.
    func offset(at instant: Int64) -> Int64 {
        Int64(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(floorDiv(instant, 1000))))) * 1000
    }

    /// The wall time at `instant`.
    func wall(at instant: Int64) -> Int64 { instant + offset(at: instant) }

    /// Stretches of constant offset covering `from..<to`, in order: `(range, offset)`.
    func segments(from: Int64, to: Int64) -> [(range: Range<Int64>, offset: Int64)] {
        var result: [(range: Range<Int64>, offset: Int64)] = []
        var start = from
        var current = offset(at: from)
        var probe = from
        while probe < to {
            let next = min(probe + 6 * Self.hour, to)
            let after = offset(at: next - 1)
            if after != current {
                let change = firstInstant(from: probe, to: next - 1) { offset(at: $0) != current }
                result.append((start..<change, current))
                start = change
                current = after
            }
            probe = next
        }
        if start < to { result.append((start..<to, current)) }
        return result
    }

    /// The instant a wall time names: its first occurrence if the clock shows it twice
    /// (autumn), the first instant after the gap if the clock skips it (spring).
    func firstInstant(atWall wall: Int64) -> Int64 {
        let around = [offset(at: wall - Self.day), offset(at: wall + Self.day)]
        var offsets = Set(around)
        for guess in around { offsets.insert(offset(at: wall - guess)) }
        let valid = offsets.map { wall - $0 }.filter { offset(at: $0) == wall - $0 }
        if let first = valid.min() { return first }
        // In a gap: before the transition the clock shows less than `wall`, after it more.
        let low = wall - offsets.max()!
        let high = wall - offsets.min()!
        return firstInstant(from: low, to: high) { self.wall(at: $0) > wall }
    }

    /// The first instant in `from...to` where `condition` holds, given that it holds at `to`
    /// and, once true, stays true up to `to`; a whole second unless it is `from` itself.
    private func firstInstant(from: Int64, to: Int64, where condition: (Int64) -> Bool) -> Int64 {
        if condition(from) { return from }
        var low = floorDiv(from, 1000)  // false here: offsets change only on whole seconds
        var high = floorDiv(to, 1000)
        guard condition(high * 1000) else { return to }
        while high - low > 1 {
            let middle = low + (high - low) / 2
            if condition(middle * 1000) { high = middle } else { low = middle }
        }
        return max(from, high * 1000)
    }
}

/// Integer division rounding towards negative infinity.
@inline(__always) func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
    let quotient = value / divisor
    return (value % divisor != 0 && (value < 0) != (divisor < 0)) ? quotient - 1 : quotient
}
