// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// One `Range: bytes=…` request (RFC 9110 §14.1.2) resolved against a representation's size.
enum ByteRange: Equatable {
    /// No usable Range header (absent, not `bytes`, several ranges, malformed): send it all.
    case whole
    /// Send this part (`206`).
    case part(Range<Int64>)
    /// No byte of the range exists (`416`).
    case unsatisfiable

    init(header: String?, size: Int64) {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else {
            self = .whole
            return
        }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else {
            self = .whole
            return
        }
        let first = parts[0].isEmpty ? nil : Int64(parts[0])
        let last = parts[1].isEmpty ? nil : Int64(parts[1])
        switch (parts[0].isEmpty, parts[1].isEmpty) {
        case (true, true):
            self = .whole
        case (true, false):
            // A suffix: the last N bytes.
            guard let count = last else {
                self = .whole
                return
            }
            guard count > 0, size > 0 else {
                self = .unsatisfiable
                return
            }
            self = .part(max(0, size - count)..<size)
        case (false, _):
            guard let start = first, start >= 0, parts[1].isEmpty || last != nil else {
                self = .whole
                return
            }
            if let last, last < start {
                self = .whole
                return
            }
            guard start < size else {
                self = .unsatisfiable
                return
            }
            self = .part(start..<min(size, (last ?? size - 1) + 1))
        }
    }
}
