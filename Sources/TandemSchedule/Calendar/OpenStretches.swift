// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// The open stretches of a calendar in time order, from about two days before a given
/// instant, adjacent pieces merged (a stretch that runs through midnight is one stretch).
///
/// Pieces come from local dates in date order, but instants of one date may follow instants
/// of the next (a repeated hour around midnight), so a stretch is handed out only once no
/// later date can add to it: a date's instants all lie after its midnight minus the largest
/// zone offset. A stretch still growing after eight days (an always-open calendar) is handed
/// out in parts; a part that goes on from the previous one says so. At the horizon (a number of
/// dates after the start) the pending stretches are handed out as they stand.
struct OpenStretch {
    var range: Range<Int64>
    /// The stretch directly continues the previous one handed out (no closing between them).
    var continuesPrevious: Bool
}

struct OpenStretches: IteratorProtocol {
    private let calendar: BusinessCalendar
    private var nextDate: Int
    private let lastDate: Int
    private var pending: [Range<Int64>] = []
    private var lastEnd: Int64?

    init(calendar: BusinessCalendar, from instant: Int64, horizonDays: Int = BusinessCalendar.searchHorizonDays) {
        self.calendar = calendar
        let date = Int(floorDiv(calendar.zone.wall(at: instant), ZoneClock.day))
        nextDate = date - 2
        lastDate = horizonDays == Int.max ? Int.max : date + horizonDays
    }

    mutating func next() -> OpenStretch? {
        while true {
            let frontier = Int64(nextDate) * ZoneClock.day - ZoneClock.maximumOffset
            if let first = pending.first {
                if first.upperBound < frontier {
                    pending.removeFirst()
                    return handOut(first)
                }
                if first.lowerBound < frontier, frontier - first.lowerBound >= 8 * ZoneClock.day {
                    pending[0] = frontier..<first.upperBound
                    return handOut(first.lowerBound..<frontier)
                }
            }
            guard nextDate <= lastDate else {
                // Past the horizon: what is pending is complete up to it; the last may end there.
                return pending.isEmpty ? nil : handOut(pending.removeFirst())
            }
            add(date: nextDate)
            nextDate += 1
        }
    }

    private mutating func handOut(_ range: Range<Int64>) -> OpenStretch {
        defer { lastEnd = range.upperBound }
        return OpenStretch(range: range, continuesPrevious: lastEnd == range.lowerBound)
    }

    private mutating func add(date days: Int) {
        let ranges = calendar.openRanges(on: LocalDate(daysSince1970: days))
        guard !ranges.isEmpty else { return }
        let midnight = Int64(days) * ZoneClock.day
        let segments = calendar.zone.segments(
            from: midnight - ZoneClock.maximumOffset, to: midnight + ZoneClock.day + ZoneClock.maximumOffset)
        for range in ranges {
            let wallStart = midnight + Int64(range.start.minutes) * 60_000
            let wallEnd = midnight + Int64(range.end.minutes) * 60_000
            for segment in segments {
                let lower = max(segment.range.lowerBound, wallStart - segment.offset)
                let upper = min(segment.range.upperBound, wallEnd - segment.offset)
                if lower < upper { insert(lower..<upper) }
            }
        }
    }

    /// Inserts a piece, keeping `pending` sorted and merging touching pieces.
    private mutating func insert(_ piece: Range<Int64>) {
        var merged = piece
        var kept: [Range<Int64>] = []
        kept.reserveCapacity(pending.count + 1)
        for range in pending {
            if range.upperBound < merged.lowerBound || range.lowerBound > merged.upperBound {
                kept.append(range)
            } else {
                merged = min(range.lowerBound, merged.lowerBound)..<max(range.upperBound, merged.upperBound)
            }
        }
        let index = kept.firstIndex { $0.lowerBound > merged.lowerBound } ?? kept.endIndex
        kept.insert(merged, at: index)
        pending = kept
    }
}
