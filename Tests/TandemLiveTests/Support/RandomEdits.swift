// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemTestSupport

/// Random edits of a text that hold markers: unique strings between `⟦` and `⟧`.
///
/// Markers are only ever inserted whole, nothing is inserted inside one and only filler
/// (text outside markers) is deleted, so every marker must survive concurrent editing
/// exactly once. Filler mixes ASCII with emoji and skin-tone modifiers, combining marks,
/// ZWJ sequences and CJK, so that positions are exercised in Unicode scalars.
enum RandomEdits {
    static let open: Unicode.Scalar = "⟦"
    static let close: Unicode.Scalar = "⟧"
    static let filler = ["a", "b", "z", " ", "👍🏽", "e\u{301}", "\u{0308}", "漢字", "한", "ñ", "👨‍👩‍👧", "🇫🇷", "x"]

    /// The scalar ranges `[⟦ … ⟧]` of the markers in `text`.
    static func markerSpans(_ text: [Unicode.Scalar]) -> [ClosedRange<Int>] {
        var spans: [ClosedRange<Int>] = []
        var start: Int?
        for (index, scalar) in text.enumerated() {
            if scalar == open { start = index }
            if scalar == close, let begin = start {
                spans.append(begin...index)
                start = nil
            }
        }
        return spans
    }

    /// The markers in `text`, in order.
    static func markers(in text: String) -> [String] {
        let scalars = Array(text.unicodeScalars)
        return markerSpans(scalars).map { span in
            var view = String.UnicodeScalarView()
            view.append(contentsOf: scalars[span])
            return String(view)
        }
    }

    /// A random edit of `text`: an insert of filler or of `marker()`, or a delete of filler.
    /// Returns the operation and the marker it inserts, if any.
    static func make(
        _ text: [Unicode.Scalar], maxLength: Int = 300, using rng: inout SplitMix64, marker: () -> String
    ) -> (TextOperation, String?) {
        let spans = markerSpans(text)
        let wantsDelete =
            text.count > maxLength ? Int.random(in: 0..<10, using: &rng) < 7 : Int.random(in: 0..<10, using: &rng) < 3
        if wantsDelete, let range = fillerRange(text.count, spans, using: &rng) {
            var operation = TextOperation()
            operation.retain(range.lowerBound)
            operation.delete(range.count)
            return (operation, nil)
        }
        // Insert at a position that is not inside a marker.
        var position = Int.random(in: 0...text.count, using: &rng)
        if let span = spans.first(where: { $0.lowerBound < position && position <= $0.upperBound }) {
            position = Bool.random(using: &rng) ? span.lowerBound : span.upperBound + 1
        }
        let inserted: String
        var made: String?
        if Int.random(in: 0..<10, using: &rng) < 3 {
            made = marker()
            inserted = made!
        } else {
            inserted = (0..<Int.random(in: 1...3, using: &rng)).map { _ in filler.randomElement(using: &rng)! }.joined()
        }
        var operation = TextOperation()
        operation.retain(position)
        operation.insert(inserted)
        return (operation, made)
    }

    /// A random range of 1 to 6 scalars of filler (outside every marker), if there is filler.
    private static func fillerRange(_ length: Int, _ spans: [ClosedRange<Int>], using rng: inout SplitMix64) -> Range<Int>? {
        var runs: [Range<Int>] = []
        var start = 0
        for span in spans {
            if span.lowerBound > start { runs.append(start..<span.lowerBound) }
            start = span.upperBound + 1
        }
        if length > start { runs.append(start..<length) }
        guard let run = runs.randomElement(using: &rng) else { return nil }
        let count = Int.random(in: 1...min(6, run.count), using: &rng)
        let begin = Int.random(in: run.lowerBound...(run.upperBound - count), using: &rng)
        return begin..<(begin + count)
    }
}
