// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import GRDB
import TandemStore

/// SQL functions Tandem adds to every connection, and their Swift halves.
enum SQLiteFunctions {
    /// `tandem_fold(text)`: ``fold(_:)`` in SQL. Only queries use it, never the
    /// schema, so the file stays readable by the `sqlite3` shell.
    static let fold = DatabaseFunction("tandem_fold", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return SQLiteFunctions.fold(text)
    }

    static func register(in db: Database) {
        db.add(function: fold)
    }

    /// Unicode-aware case folding for search: NFC-normalised and lower-cased,
    /// so that `ÉLODIE`, `élodie` and `e\u{301}lodie` all match.
    static func fold(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
    }

    /// A `LIKE` pattern matching `text` anywhere, with `%`, `_` and the escape
    /// character itself escaped: use with `ESCAPE '\'`.
    static func containsPattern(_ text: String) -> String {
        // Scalars, not Characters: `%` followed by a combining mark is one
        // Character but still a wildcard to SQLite.
        var escaped = String.UnicodeScalarView()
        escaped.append("%")
        for scalar in text.unicodeScalars {
            if scalar == "%" || scalar == "_" || scalar == "\\" {
                escaped.append("\\")
            }
            escaped.append(scalar)
        }
        escaped.append("%")
        return String(escaped)
    }
}
