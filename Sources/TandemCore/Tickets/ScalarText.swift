//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

/// A collaborative text kept as Unicode scalars, so that applying an operation
/// near the end of a 1 MB text costs what the edit costs, not what the text costs.
/// Encodes as a plain JSON string.
public struct ScalarText: Sendable, Hashable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public private(set) var scalars: [Unicode.Scalar]

    public init(_ string: String) { scalars = Array(string.unicodeScalars) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The length in Unicode scalars (the unit of every text position in Tandem).
    public var count: Int { scalars.count }

    /// The text as a Swift string.
    public var string: String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars)
        return String(view)
    }

    public var description: String { string }

    /// Applies `operation`; on error the text is unchanged.
    public mutating func apply(_ operation: TextOperation, limit: Int) throws(OTError) {
        try operation.apply(to: &scalars, limit: limit)
    }

    public init(from decoder: any Decoder) throws {
        self.init(try decoder.singleValueContainer().decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(string)
    }
}
