// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

extension TextOperation {
    /// Transforms two concurrent operations made on the same document.
    ///
    /// Returns `(a′, b′)` such that `apply(apply(doc, a), b′) == apply(apply(doc, b), a′)`.
    /// When both insert at the same position, the inserts of the operand that
    /// has `priority` (the one the server ordered first) come first. Overlapping
    /// deletes are not repeated, and every inserted scalar survives. Runs in
    /// time linear in the size of the two operations.
    public static func transform(
        _ a: TextOperation, _ b: TextOperation, priority: OTPriority
    ) -> (TextOperation, TextOperation) {
        (
            a.transformed(against: b, hasPriority: priority == .left),
            b.transformed(against: a, hasPriority: priority == .right)
        )
    }

    /// This operation rewritten to apply after the concurrent `other`.
    ///
    /// - Parameter hasPriority: whether this operation's inserts go before
    ///   `other`'s at the same position (it was ordered first).
    public func transformed(against other: TextOperation, hasPriority: Bool) -> TextOperation {
        var mine = ComponentReader(self)
        var theirs = ComponentReader(other)
        var result = TextOperation()
        while let piece = mine.current {
            if case let .insert(scalars, count) = piece, hasPriority || theirs.insertCount == nil {
                result.appendInsert(scalars, count: count)
                mine.advance()
                continue
            }
            if let count = theirs.insertCount {
                result.retain(count)
                theirs.advance()
                continue
            }
            let count = min(mine.length, theirs.length)
            switch (mine.take(count), theirs.take(count)) {
            case (.retain, .retain): result.retain(count)
            case (.delete, .retain): result.delete(count)
            case (_, .delete): break  // `other` already removed these scalars.
            case (.insert, _), (_, .insert): break  // Handled above.
            }
        }
        return result
    }
}
