// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemMongo

/// Portable full-text search over token arrays.
///
/// A ticket stores the distinct words of what customers see (subject,
/// description, public replies) in `publicTerms` and of what only agents see
/// (internal notes and comments) in `internalTerms`; the reply draft is not
/// indexed. A query word matches a ticket when one of its terms starts with it,
/// through a range on the multikey index: `{$elemMatch: {$gte: w, $lt: w + U+10FFFF}}`.
///
/// Words follow SQLite FTS5's `unicode61 remove_diacritics 2` closely: runs of
/// letters and digits, case-folded, with combining marks removed (`Élodie`,
/// `élodie` and `e\u{301}lodie` are all `elodie`); everything else separates
/// words, so query syntax (`"`, `*`, `OR`, `-`, `:`) is plain text.
enum MongoSearch {
    /// Terms longer than this are cut (the index stays small; a query word is cut the same way).
    static let maximumTermLength = 64
    /// Above every scalar a term can hold (U+10FFFF is a noncharacter, never a letter or digit).
    static let prefixEnd = "\u{10FFFF}"

    /// The distinct terms of `texts`, sorted.
    ///
    /// Linear in the text and cheap per byte: words are found on the UTF-8 bytes
    /// (ASCII by table), and each distinct word is normalized once (a description
    /// repeats its words).
    static func terms(_ texts: [String]) -> [String] {
        var terms = Set<String>()
        var normalized: [String: String] = [:]
        for text in texts {
            forEachWord(in: text) { word in
                let term: String
                if let known = normalized[word] {
                    term = known
                } else {
                    term = normalize(word)
                    normalized[word] = term
                }
                if !term.isEmpty { terms.insert(term) }
            }
        }
        return terms.sorted()
    }

    /// The words of `text`, in order, normalized.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        forEachWord(in: text) { word in
            let term = normalize(word)
            if !term.isEmpty { words.append(term) }
        }
        return words
    }

    /// Calls `body` with each run of letters, digits and combining marks.
    private static func forEachWord(in text: String, _ body: (String) -> Void) {
        var text = text
        text.withUTF8 { bytes in
            var start: Int?
            var index = 0
            while index < bytes.count {
                let byte = bytes[index]
                let width: Int
                let isWord: Bool
                if byte < 0x80 {
                    width = 1
                    isWord = (0x30...0x39).contains(byte) || (0x41...0x5A).contains(byte) || (0x61...0x7A).contains(byte)
                } else {
                    width = byte >= 0xF0 ? 4 : byte >= 0xE0 ? 3 : 2
                    isWord = isWordScalar(scalar(in: bytes, at: index, width: width))
                }
                if isWord {
                    if start == nil { start = index }
                } else if let wordStart = start {
                    body(String(decoding: UnsafeBufferPointer(rebasing: bytes[wordStart..<index]), as: UTF8.self))
                    start = nil
                }
                index += width
            }
            if let wordStart = start {
                body(String(decoding: UnsafeBufferPointer(rebasing: bytes[wordStart...]), as: UTF8.self))
            }
        }
    }

    /// The scalar encoded at `index` (a String's bytes are valid UTF-8).
    private static func scalar(in bytes: UnsafeBufferPointer<UInt8>, at index: Int, width: Int) -> Unicode.Scalar {
        var value = UInt32(bytes[index]) & (width == 2 ? 0x1F : width == 3 ? 0x0F : 0x07)
        for offset in 1..<width {
            value = value << 6 | UInt32(bytes[index + offset] & 0x3F)
        }
        return Unicode.Scalar(value) ?? "\u{FFFD}"
    }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        let properties = scalar.properties
        return properties.isAlphabetic || properties.numericType != nil || isMark(properties)
    }

    private static func isMark(_ properties: Unicode.Scalar.Properties) -> Bool {
        properties.generalCategory == .nonspacingMark || properties.generalCategory == .enclosingMark
    }

    /// Lower-cased, without combining marks (diacritics), NFC, at most
    /// ``maximumTermLength`` scalars; empty for a run of marks alone.
    private static func normalize(_ word: String) -> String {
        // Only the start of a very long word matters (room for the marks to drop).
        let head =
            word.utf8.count > maximumTermLength * 16
            ? String(String.UnicodeScalarView(word.unicodeScalars.prefix(maximumTermLength * 4))) : word
        if head.utf8.allSatisfy({ $0 < 0x80 }) {
            return String(head.lowercased().unicodeScalars.prefix(maximumTermLength))
        }
        var base = String.UnicodeScalarView()
        for scalar in head.decomposedStringWithCanonicalMapping.unicodeScalars where !isMark(scalar.properties) {
            base.append(scalar)
        }
        let term = String(base).lowercased().precomposedStringWithCanonicalMapping
        return String(String.UnicodeScalarView(term.unicodeScalars.prefix(maximumTermLength)))
    }

    /// The search part of a ticket filter: every whitespace-separated word of
    /// `query` must match. Within a word split by punctuation (`foo-bar`), the
    /// last part is a prefix and the others are whole terms.
    ///
    /// - Returns: `nil` when `query` has no word at all (it matches nothing);
    ///   an empty array when `query` is blank (no condition).
    static func conditions(_ query: String, publicOnly: Bool) -> [BSON]? {
        let chunks = query.split(whereSeparator: \.isWhitespace)
        guard !chunks.isEmpty else { return [] }
        var conditions: [BSON] = []
        for chunk in chunks {
            let parts = words(String(chunk))
            guard let last = parts.last else { continue }
            for part in parts.dropLast() {
                conditions.append(match(publicOnly: publicOnly) { ["$elemMatch": ["$eq": .string(part)]] })
            }
            conditions.append(
                match(publicOnly: publicOnly) {
                    ["$elemMatch": ["$gte": .string(last), "$lt": .string(last + prefixEnd)]]
                })
        }
        return conditions.isEmpty ? nil : conditions
    }

    private static func match(publicOnly: Bool, _ condition: () -> BSON) -> BSON {
        if publicOnly { return ["publicTerms": condition()] }
        return ["$or": [["publicTerms": condition()], ["internalTerms": condition()]]]
    }

    /// The public and internal terms of a ticket.
    static func terms(of ticket: Ticket) -> (public: [String], internal: [String]) {
        let publicTexts =
            [ticket.subject, ticket.description.string]
            + ticket.comments.filter { $0.visibility == .public }.map(\.body)
        let internalTexts =
            [ticket.internalNotes.string]
            + ticket.comments.filter { $0.visibility == .internal }.map(\.body)
        return (terms(publicTexts), terms(internalTexts))
    }
}
