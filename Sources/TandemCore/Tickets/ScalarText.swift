// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A collaborative text kept as Unicode scalars, so that applying an operation
/// near the end of a 1 MB text costs what the edit costs, not what the text costs.
/// Encodes as a plain JSON string.
public struct ScalarText: Sendable, Hashable, Codable, ExpressibleByStringLiteral, CustomStringConvertible {
    public private(set) var scalars: [Unicode.Scalar]

    public init(_ string: String) { scalars = Array(string.unicodeScalars) }
    public init(stringLiteral value: String) { self.init(value) }

    /// The length in Unicode scalars (the unit of every text position in Tandem).
    public var count: Int { scalars.count }

    /// The text as a Swift string. Encodes the scalars to UTF-8 in one pass, which is
    /// an order of magnitude faster than appending scalars to a string one by one.
    public var string: String {
        String(unsafeUninitializedCapacity: scalars.count * 4) { buffer in
            var index = 0
            for scalar in scalars {
                let value = scalar.value
                switch value {
                case 0..<0x80:
                    buffer[index] = UInt8(value)
                    index += 1
                case 0x80..<0x800:
                    buffer[index] = UInt8(0xC0 | (value >> 6))
                    buffer[index + 1] = UInt8(0x80 | (value & 0x3F))
                    index += 2
                case 0x800..<0x10000:
                    buffer[index] = UInt8(0xE0 | (value >> 12))
                    buffer[index + 1] = UInt8(0x80 | ((value >> 6) & 0x3F))
                    buffer[index + 2] = UInt8(0x80 | (value & 0x3F))
                    index += 3
                default:
                    buffer[index] = UInt8(0xF0 | (value >> 18))
                    buffer[index + 1] = UInt8(0x80 | ((value >> 12) & 0x3F))
                    buffer[index + 2] = UInt8(0x80 | ((value >> 6) & 0x3F))
                    buffer[index + 3] = UInt8(0x80 | (value & 0x3F))
                    index += 4
                }
            }
            return index
        }
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
