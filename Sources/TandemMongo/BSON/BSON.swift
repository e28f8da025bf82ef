// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// One BSON value (https://bsonspec.org/spec.html).
///
/// Every value round-trips exactly: 64-bit integers stay ``int64(_:)`` (never
/// doubles), binary stays ``binary(_:)`` and strings keep every Unicode
/// scalar, NUL included (BSON strings are length-prefixed).
public enum BSON: Sendable, Hashable {
    case double(Double)
    case string(String)
    case document(BSONDocument)
    case array([BSON])
    case binary(BSONBinary)
    case objectID(BSONObjectID)
    case bool(Bool)
    /// Milliseconds since 1970 (UTC).
    case datetime(Int64)
    case null
    case regex(pattern: String, options: String)
    case int32(Int32)
    /// The internal replication timestamp type.
    case timestamp(increment: UInt32, seconds: UInt32)
    case int64(Int64)
    /// The 16 bytes of an IEEE 754-2008 decimal128, uninterpreted.
    case decimal128(BSONDecimal128)
    case minKey
    case maxKey

    /// The string, if this is one.
    public var stringValue: String? {
        if case .string(let value) = self { return value }
        return nil
    }

    /// The integer value of an ``int32(_:)`` or ``int64(_:)``, or of a ``double(_:)``
    /// holding an integral value (servers answer some counts as doubles).
    public var int64Value: Int64? {
        switch self {
        case .int32(let value): Int64(value)
        case .int64(let value): value
        case .double(let value): Int64(exactly: value)
        default: nil
        }
    }

    /// The Boolean, if this is one.
    public var boolValue: Bool? {
        if case .bool(let value) = self { return value }
        return nil
    }

    /// The document, if this is one.
    public var documentValue: BSONDocument? {
        if case .document(let value) = self { return value }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [BSON]? {
        if case .array(let value) = self { return value }
        return nil
    }

    /// The BSON type byte of this value.
    var typeByte: UInt8 {
        switch self {
        case .double: 0x01
        case .string: 0x02
        case .document: 0x03
        case .array: 0x04
        case .binary: 0x05
        case .objectID: 0x07
        case .bool: 0x08
        case .datetime: 0x09
        case .null: 0x0A
        case .regex: 0x0B
        case .int32: 0x10
        case .timestamp: 0x11
        case .int64: 0x12
        case .decimal128: 0x13
        case .minKey: 0xFF
        case .maxKey: 0x7F
        }
    }
}

extension BSON: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    /// Integer literals are 64-bit: Tandem stores every count and time as `int64`.
    public init(integerLiteral value: Int64) { self = .int64(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(arrayLiteral elements: BSON...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, BSON)...) { self = .document(BSONDocument(elements)) }
    public init(nilLiteral: ()) { self = .null }
}

extension BSON {
    /// A string, or ``null`` for `nil`.
    public static func string(_ value: String?) -> BSON { value.map(BSON.string) ?? .null }
    /// An `int64`, or ``null`` for `nil`.
    public static func int64(_ value: Int64?) -> BSON { value.map(BSON.int64) ?? .null }
    /// An array of strings.
    public static func strings(_ values: some Sequence<String>) -> BSON { .array(values.map(BSON.string)) }
}

/// A BSON binary value: a subtype and its bytes.
public struct BSONBinary: Sendable, Hashable {
    /// 0 is generic binary, 4 a UUID; see the BSON specification.
    public var subtype: UInt8
    public var bytes: [UInt8]

    public init(subtype: UInt8 = 0, bytes: [UInt8]) {
        self.subtype = subtype
        self.bytes = bytes
    }
}

/// A 12-byte MongoDB ObjectId.
public struct BSONObjectID: Sendable, Hashable, CustomStringConvertible {
    public var bytes: [UInt8]

    /// - Precondition: `bytes.count == 12`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 12, "an ObjectId has 12 bytes")
        self.bytes = bytes
    }

    /// 24 lower-case hexadecimal digits.
    public var description: String {
        bytes.map { byte in
            let hex = String(byte, radix: 16)
            return byte < 16 ? "0" + hex : hex
        }.joined()
    }
}

/// The raw 16 bytes of a decimal128 (little-endian, as on the wire).
public struct BSONDecimal128: Sendable, Hashable {
    public var bytes: [UInt8]

    /// - Precondition: `bytes.count == 16`.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == 16, "a decimal128 has 16 bytes")
        self.bytes = bytes
    }
}
