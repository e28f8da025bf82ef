// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Why an operational-transformation operation could not be built, decoded or
/// applied. OT code never traps on bad input; it throws one of these.
public enum OTError: Error, Hashable, Sendable, Codable, CustomStringConvertible {
    /// A position (in Unicode scalars) lies outside a document of `length` scalars,
    /// or is negative.
    case positionOutOfRange(position: Int, length: Int)
    /// The document is shorter than the operation requires: it needs at least
    /// `expected` scalars but has `actual`.
    case baseLengthMismatch(expected: Int, actual: Int)
    /// A component (or a whole operation) is malformed; the text says how.
    case invalidComponent(String)
    /// The result (or a count) would exceed `limit` Unicode scalars.
    case textTooLong(limit: Int)
    /// A field operation expected the field to hold its old value, but it did not.
    case fieldMismatch(field: String)
    /// A tag is empty after normalization (trimming), or otherwise unusable.
    case invalidTag(String)

    /// A short, human-readable explanation.
    public var description: String {
        switch self {
        case let .positionOutOfRange(position, length):
            "position \(position) is out of range for a text of \(length) scalars"
        case let .baseLengthMismatch(expected, actual):
            "the operation needs a text of at least \(expected) scalars, but it has \(actual)"
        case let .invalidComponent(reason):
            "invalid operation: \(reason)"
        case let .textTooLong(limit):
            "the text would exceed the limit of \(limit) scalars"
        case let .fieldMismatch(field):
            "field \"\(field)\" does not hold the value the operation expects"
        case let .invalidTag(tag):
            "invalid tag \"\(tag)\""
        }
    }
}
