// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

extension TextOperation {
    /// Applies the operation to `text` and returns the result, in O(n).
    ///
    /// The part of `text` after the last component is kept (implicit trailing retain).
    /// - Parameter limit: the longest allowed result, in scalars.
    /// - Throws: ``OTError/baseLengthMismatch(expected:actual:)`` when `text` is
    ///   shorter than ``baseLength``; ``OTError/textTooLong(limit:)`` when the
    ///   result would exceed `limit`.
    public func apply(to text: String, limit: Int = .max) throws(OTError) -> String {
        let scalars = text.unicodeScalars
        if limit < .max { try checkResultLength(from: scalars.count, limit: limit) }
        var result = String()
        result.reserveCapacity(text.utf8.count + max(0, lengthDelta) * 4)
        var index = scalars.startIndex
        for component in components {
            switch component {
            case let .retain(count):
                guard let next = scalars.index(index, offsetBy: count, limitedBy: scalars.endIndex) else {
                    throw .baseLengthMismatch(expected: baseLength, actual: scalars.count)
                }
                result.append(contentsOf: Substring(scalars[index..<next]))
                index = next
            case let .insert(inserted):
                result.append(inserted)
            case let .delete(count):
                guard let next = scalars.index(index, offsetBy: count, limitedBy: scalars.endIndex) else {
                    throw .baseLengthMismatch(expected: baseLength, actual: scalars.count)
                }
                index = next
            }
        }
        result.append(contentsOf: Substring(scalars[index...]))
        return result
    }

    /// Applies the operation in place to a scalar buffer the caller keeps.
    ///
    /// The buffer is left untouched when this throws. Only the part from the
    /// first insert or delete onwards is rebuilt, so an edit near the end of a
    /// large text costs little.
    /// - Throws: the same errors as the `String` variant.
    public func apply(to buffer: inout [Unicode.Scalar], limit: Int = .max) throws(OTError) {
        guard buffer.count >= baseLength else {
            throw .baseLengthMismatch(expected: baseLength, actual: buffer.count)
        }
        try checkResultLength(from: buffer.count, limit: limit)
        guard !components.isEmpty else { return }
        var rest = components[...]
        var position = 0
        if case let .retain(count)? = rest.first {
            position = count
            rest = rest.dropFirst()
        }
        let start = position
        var tail: [Unicode.Scalar] = []
        tail.reserveCapacity(buffer.count + lengthDelta - start)
        for component in rest {
            switch component {
            case let .retain(count):
                tail.append(contentsOf: buffer[position..<(position + count)])
                position += count
            case let .insert(text):
                tail.append(contentsOf: text.unicodeScalars)
            case let .delete(count):
                position += count
            }
        }
        tail.append(contentsOf: buffer[position...])
        buffer.replaceSubrange(start..., with: tail)
    }

    /// Throws unless applying to a document of `length` scalars yields at most `limit`.
    private func checkResultLength(from length: Int, limit: Int) throws(OTError) {
        let (result, overflow) = length.addingReportingOverflow(lengthDelta)
        guard !overflow, result <= limit else { throw .textTooLong(limit: limit) }
    }
}
