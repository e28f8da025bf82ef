// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HummingbirdCore

/// The free-text query parameter `q`, read as HTML forms and `URLSearchParams` write it: `+` is a
/// space, `%2B` a plus (RFC 1866 / WHATWG `application/x-www-form-urlencoded`). Hummingbird's
/// query parameters decode `%XX` only, so `q=Ada+Lovelace` would search for "Ada+Lovelace".
enum SearchText {
    /// The decoded `q` of `uri`, at most `limit` characters; `nil` without one.
    static func query(_ uri: URI, limit: Int = 200) -> String? {
        guard let raw = uri.query else { return nil }
        for pair in raw.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts[0] == "q" else { continue }
            let value = parts.count > 1 ? String(parts[1]) : ""
            let spaced = value.replacingOccurrences(of: "+", with: " ")
            return String((spaced.removingPercentEncoding ?? spaced).prefix(limit))
        }
        return nil
    }
}
