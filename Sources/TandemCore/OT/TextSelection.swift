// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A caret or selection in a text, in Unicode scalars. A caret has
/// `anchor == head`; `head` is the end that moves when the user extends it.
public struct TextSelection: Sendable, Hashable, Codable {
    /// Where the selection started.
    public var anchor: Int
    /// Where the caret is.
    public var head: Int

    /// A selection; negative positions are clamped to 0.
    public init(anchor: Int, head: Int) {
        self.anchor = max(0, anchor)
        self.head = max(0, head)
    }

    /// A caret at `position` (clamped to ≥ 0).
    public init(caret position: Int) {
        self.init(anchor: position, head: position)
    }

    /// `true` when nothing is selected.
    public var isCaret: Bool { anchor == head }

    /// The selected scalars, from the smaller to the larger end.
    public var range: Range<Int> { min(anchor, head)..<max(anchor, head) }

    /// Throws ``OTError/positionOutOfRange(position:length:)`` unless both ends
    /// lie within a text of `length` scalars.
    public func validate(length: Int) throws(OTError) {
        for position in [anchor, head] where position > length {
            throw .positionOutOfRange(position: position, length: length)
        }
    }

    /// The selection moved through `operation`, so that it keeps marking the same text.
    ///
    /// - Parameter isOwn: `true` when `operation` is the selection owner's own
    ///   edit: an insert exactly at a caret then moves the caret after the
    ///   inserted text (typing). For others' edits the caret stays before it.
    public func transformed(by operation: TextOperation, isOwn: Bool) -> TextSelection {
        TextSelection(
            anchor: operation.transformPosition(anchor, isOwn: isOwn),
            head: operation.transformPosition(head, isOwn: isOwn)
        )
    }

    /// Moves the selection through `operation`; see ``transformed(by:isOwn:)``.
    public mutating func transform(by operation: TextOperation, isOwn: Bool) {
        self = transformed(by: operation, isOwn: isOwn)
    }

    private enum CodingKeys: String, CodingKey { case anchor, head }

    /// Decodes `{"anchor": A, "head": H}`; negative positions are rejected.
    public init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: CodingKeys.self)
        let anchor = try object.decode(Int.self, forKey: .anchor)
        let head = try object.decode(Int.self, forKey: .head)
        guard anchor >= 0, head >= 0 else {
            // The text is unknown here: say what is wrong with the value itself.
            let error = OTError.invalidComponent("a selection position must not be negative (got \(min(anchor, head)))")
            throw DecodingError.dataCorrupted(
                .init(
                    codingPath: decoder.codingPath, debugDescription: error.description, underlyingError: error))
        }
        self.init(anchor: anchor, head: head)
    }
}

extension TextOperation {
    /// Where the scalar position `position` lands after this operation.
    ///
    /// Inserts before the position shift it right; a position inside a deleted
    /// range moves to where the range was. An insert exactly at the position
    /// shifts it only when `isOwn` is `true`.
    public func transformPosition(_ position: Int, isOwn: Bool) -> Int {
        var old = 0  // Position in the original text; never passes `position`.
        var new = 0  // The same position in the result.
        scan: for component in components {
            switch component {
            case let .retain(count):
                if position - old < count { break scan }
                old += count
                new = Self.clampedSum(new, count)
            case let .insert(text):
                guard old < position || (old == position && isOwn) else { break scan }
                new = Self.clampedSum(new, text.unicodeScalars.count)
            case let .delete(count):
                if position - old < count { return new }
                old += count
            }
        }
        return Self.clampedSum(new, max(0, position - old))
    }

    private static func clampedSum(_ a: Int, _ b: Int) -> Int {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : sum
    }
}
