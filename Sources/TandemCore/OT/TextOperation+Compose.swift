// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

extension TextOperation {
    /// Composes two consecutive operations into one: `apply(doc, compose(a, b))`
    /// equals `apply(apply(doc, a), b)`. Linear in the size of the operations.
    public static func compose(_ a: TextOperation, _ b: TextOperation) -> TextOperation {
        var first = ComponentReader(a)
        var second = ComponentReader(b)
        var result = TextOperation()
        while true {
            if case let .delete(count)? = first.current {
                result.delete(count)
                first.advance()
                continue
            }
            if case let .insert(scalars, count)? = second.current {
                result.appendInsert(scalars, count: count)
                second.advance()
                continue
            }
            if first.isAtEnd && second.isAtEnd { break }
            let count = min(first.length, second.length)
            switch (first.take(count), second.take(count)) {
            case (.retain, .retain): result.retain(count)
            case (.retain, .delete): result.delete(count)
            case let (.insert(scalars, inserted), .retain): result.appendInsert(scalars, count: inserted)
            case (.insert, .delete): break  // Inserted by `a`, removed by `b`.
            case (.delete, _), (_, .insert): break  // Handled above.
            }
        }
        return result
    }

    /// This operation followed by `next`, as one operation.
    public func composed(with next: TextOperation) -> TextOperation {
        Self.compose(self, next)
    }
}
