// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// Decodes `Decodable` values from BSON written by ``BSONEncoder``.
///
/// Strict about types, like `JSONDecoder`: an integer is not a Boolean nor a
/// string; integers decode from `int32`, `int64` or an integral `double` when
/// the value fits; `Data` from binary; `[String: Value]` from `[{k, v}]` pairs.
public struct BSONDecoder: Sendable {
    public init() {}

    /// Decodes `type` from a document.
    public func decode<Value: Decodable>(_ type: Value.Type, from document: BSONDocument) throws -> Value {
        try decode(type, fromValue: .document(document))
    }

    /// Decodes `type` from any BSON value.
    public func decode<Value: Decodable>(_ type: Value.Type, fromValue value: BSON) throws -> Value {
        try BSONDecoderImplementation.unbox(value, as: type, codingPath: [])
    }
}

/// `[String: Value]` decodes from `[{k: key, v: value}]`.
protocol BSONStringKeyedDictionaryDecodable {
    static func fromBSONPairs(_ value: BSON, codingPath: [any CodingKey]) throws -> Self
}

extension Dictionary: BSONStringKeyedDictionaryDecodable where Key == String, Value: Decodable {
    static func fromBSONPairs(_ value: BSON, codingPath: [any CodingKey]) throws -> Self {
        guard case .array(let pairs) = value else {
            throw BSONDecoderImplementation.mismatch(Self.self, value, codingPath)
        }
        var dictionary: [String: Value] = [:]
        dictionary.reserveCapacity(pairs.count)
        for (index, pair) in pairs.enumerated() {
            let path = codingPath + [BSONKey(index: index)]
            guard case .document(let document) = pair, case .string(let key)? = document["k"], let item = document["v"]
            else {
                throw DecodingError.dataCorrupted(.init(codingPath: path, debugDescription: "expected a {k, v} pair"))
            }
            dictionary[key] = try BSONDecoderImplementation.unbox(item, as: Value.self, codingPath: path + [BSONKey(key)])
        }
        return dictionary
    }
}

final class BSONDecoderImplementation: Decoder {
    let value: BSON
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }

    init(value: BSON, codingPath: [any CodingKey]) {
        self.value = value
        self.codingPath = codingPath
    }

    static func unbox<T: Decodable>(_ value: BSON, as type: T.Type, codingPath: [any CodingKey]) throws -> T {
        if type == BSON.self, let bson = value as? T { return bson }
        if type == Data.self {
            guard case .binary(let binary) = value, let data = Data(binary.bytes) as? T else {
                throw mismatch(type, value, codingPath)
            }
            return data
        }
        if let dictionary = type as? any BSONStringKeyedDictionaryDecodable.Type {
            // The cast cannot fail: `dictionary` is `T`.
            return try dictionary.fromBSONPairs(value, codingPath: codingPath) as! T
        }
        return try T(from: BSONDecoderImplementation(value: value, codingPath: codingPath))
    }

    static func mismatch(_ type: Any.Type, _ value: BSON, _ codingPath: [any CodingKey]) -> DecodingError {
        .typeMismatch(
            type,
            .init(
                codingPath: codingPath,
                debugDescription: "expected \(type), found BSON type 0x\(String(value.typeByte, radix: 16))"))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        guard case .document(let document) = value else {
            throw Self.mismatch(BSONDocument.self, value, codingPath)
        }
        return KeyedDecodingContainer(BSONKeyedDecodingContainer<Key>(document: document, codingPath: codingPath))
    }

    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        guard case .array(let items) = value else {
            throw Self.mismatch([BSON].self, value, codingPath)
        }
        return BSONUnkeyedDecodingContainer(items: items, codingPath: codingPath)
    }

    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        BSONSingleValueDecodingContainer(value: value, codingPath: codingPath)
    }
}

/// Converts BSON values to Swift primitives, strictly.
enum BSONScalar {
    static func bool(_ value: BSON, _ path: [any CodingKey]) throws -> Bool {
        guard case .bool(let bool) = value else { throw BSONDecoderImplementation.mismatch(Bool.self, value, path) }
        return bool
    }

    static func string(_ value: BSON, _ path: [any CodingKey]) throws -> String {
        guard case .string(let string) = value else { throw BSONDecoderImplementation.mismatch(String.self, value, path) }
        return string
    }

    static func double(_ value: BSON, _ path: [any CodingKey]) throws -> Double {
        switch value {
        case .double(let double): return double
        case .int32(let int): return Double(int)
        case .int64(let int): return Double(int)
        default: throw BSONDecoderImplementation.mismatch(Double.self, value, path)
        }
    }

    static func integer<Integer: FixedWidthInteger>(_ value: BSON, _: Integer.Type, _ path: [any CodingKey]) throws -> Integer {
        let result: Integer?
        switch value {
        case .int32(let int): result = Integer(exactly: int)
        case .int64(let int): result = Integer(exactly: int)
        case .double(let double): result = Integer(exactly: double)
        default: throw BSONDecoderImplementation.mismatch(Integer.self, value, path)
        }
        guard let result else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: path, debugDescription: "\(value) does not fit in \(Integer.self)"))
        }
        return result
    }
}

struct BSONKeyedDecodingContainer<Key: CodingKey>: KeyedDecodingContainerProtocol {
    let document: BSONDocument
    let codingPath: [any CodingKey]

    var allKeys: [Key] { document.keys.compactMap { Key(stringValue: $0) } }

    func contains(_ key: Key) -> Bool { document[key.stringValue] != nil }

    private func value(_ key: Key) throws -> BSON {
        guard let value = document[key.stringValue] else {
            throw DecodingError.keyNotFound(key, .init(codingPath: codingPath, debugDescription: "no field \(key.stringValue)"))
        }
        return value
    }

    private func path(_ key: Key) -> [any CodingKey] { codingPath + [key] }

    func decodeNil(forKey key: Key) throws -> Bool { try value(key) == .null }
    func decode(_ type: Bool.Type, forKey key: Key) throws -> Bool { try BSONScalar.bool(value(key), path(key)) }
    func decode(_ type: String.Type, forKey key: Key) throws -> String { try BSONScalar.string(value(key), path(key)) }
    func decode(_ type: Double.Type, forKey key: Key) throws -> Double { try BSONScalar.double(value(key), path(key)) }
    func decode(_ type: Float.Type, forKey key: Key) throws -> Float { Float(try BSONScalar.double(value(key), path(key))) }
    func decode(_ type: Int.Type, forKey key: Key) throws -> Int { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: Int8.Type, forKey key: Key) throws -> Int8 { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: Int16.Type, forKey key: Key) throws -> Int16 { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: Int32.Type, forKey key: Key) throws -> Int32 { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: Int64.Type, forKey key: Key) throws -> Int64 { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: UInt.Type, forKey key: Key) throws -> UInt { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: UInt8.Type, forKey key: Key) throws -> UInt8 { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: UInt16.Type, forKey key: Key) throws -> UInt16 { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: UInt32.Type, forKey key: Key) throws -> UInt32 { try BSONScalar.integer(value(key), type, path(key)) }
    func decode(_ type: UInt64.Type, forKey key: Key) throws -> UInt64 { try BSONScalar.integer(value(key), type, path(key)) }
    func decode<T: Decodable>(_ type: T.Type, forKey key: Key) throws -> T {
        try BSONDecoderImplementation.unbox(value(key), as: type, codingPath: path(key))
    }

    func nestedContainer<NestedKey: CodingKey>(
        keyedBy type: NestedKey.Type, forKey key: Key
    ) throws -> KeyedDecodingContainer<NestedKey> {
        try BSONDecoderImplementation(value: value(key), codingPath: path(key)).container(keyedBy: type)
    }

    func nestedUnkeyedContainer(forKey key: Key) throws -> any UnkeyedDecodingContainer {
        try BSONDecoderImplementation(value: value(key), codingPath: path(key)).unkeyedContainer()
    }

    func superDecoder() throws -> any Decoder {
        BSONDecoderImplementation(value: document["super"] ?? .null, codingPath: codingPath + [BSONKey("super")])
    }

    func superDecoder(forKey key: Key) throws -> any Decoder {
        BSONDecoderImplementation(value: document[key.stringValue] ?? .null, codingPath: path(key))
    }
}

struct BSONUnkeyedDecodingContainer: UnkeyedDecodingContainer {
    let items: [BSON]
    let codingPath: [any CodingKey]
    private(set) var currentIndex = 0

    init(items: [BSON], codingPath: [any CodingKey]) {
        self.items = items
        self.codingPath = codingPath
    }

    var count: Int? { items.count }
    var isAtEnd: Bool { currentIndex >= items.count }

    private var path: [any CodingKey] { codingPath + [BSONKey(index: currentIndex)] }

    private mutating func next<T>(_ type: T.Type) throws -> BSON {
        guard !isAtEnd else {
            throw DecodingError.valueNotFound(type, .init(codingPath: path, debugDescription: "the array has no more elements"))
        }
        return items[currentIndex]
    }

    private mutating func take<T>(_ type: T.Type, _ convert: (BSON, [any CodingKey]) throws -> T) throws -> T {
        let value = try convert(next(type), path)
        currentIndex += 1
        return value
    }

    mutating func decodeNil() throws -> Bool {
        guard try next(Never.self) == .null else { return false }
        currentIndex += 1
        return true
    }

    mutating func decode(_ type: Bool.Type) throws -> Bool { try take(type, BSONScalar.bool) }
    mutating func decode(_ type: String.Type) throws -> String { try take(type, BSONScalar.string) }
    mutating func decode(_ type: Double.Type) throws -> Double { try take(type, BSONScalar.double) }
    mutating func decode(_ type: Float.Type) throws -> Float { Float(try take(Double.self, BSONScalar.double)) }
    mutating func decode(_ type: Int.Type) throws -> Int { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: Int8.Type) throws -> Int8 { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: Int16.Type) throws -> Int16 { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: Int32.Type) throws -> Int32 { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: Int64.Type) throws -> Int64 { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: UInt.Type) throws -> UInt { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: UInt8.Type) throws -> UInt8 { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: UInt16.Type) throws -> UInt16 { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: UInt32.Type) throws -> UInt32 { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode(_ type: UInt64.Type) throws -> UInt64 { try take(type) { try BSONScalar.integer($0, type, $1) } }
    mutating func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try take(type) { try BSONDecoderImplementation.unbox($0, as: type, codingPath: $1) }
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy type: NestedKey.Type) throws -> KeyedDecodingContainer<NestedKey>
    {
        let container = try BSONDecoderImplementation(value: next(BSONDocument.self), codingPath: path).container(keyedBy: type)
        currentIndex += 1
        return container
    }

    mutating func nestedUnkeyedContainer() throws -> any UnkeyedDecodingContainer {
        let container = try BSONDecoderImplementation(value: next([BSON].self), codingPath: path).unkeyedContainer()
        currentIndex += 1
        return container
    }

    mutating func superDecoder() throws -> any Decoder {
        let decoder = BSONDecoderImplementation(value: try next(BSON.self), codingPath: path)
        currentIndex += 1
        return decoder
    }
}

struct BSONSingleValueDecodingContainer: SingleValueDecodingContainer {
    let value: BSON
    let codingPath: [any CodingKey]

    func decodeNil() -> Bool { value == .null }
    func decode(_ type: Bool.Type) throws -> Bool { try BSONScalar.bool(value, codingPath) }
    func decode(_ type: String.Type) throws -> String { try BSONScalar.string(value, codingPath) }
    func decode(_ type: Double.Type) throws -> Double { try BSONScalar.double(value, codingPath) }
    func decode(_ type: Float.Type) throws -> Float { Float(try BSONScalar.double(value, codingPath)) }
    func decode(_ type: Int.Type) throws -> Int { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: Int8.Type) throws -> Int8 { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: Int16.Type) throws -> Int16 { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: Int32.Type) throws -> Int32 { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: Int64.Type) throws -> Int64 { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: UInt.Type) throws -> UInt { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: UInt8.Type) throws -> UInt8 { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: UInt16.Type) throws -> UInt16 { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: UInt32.Type) throws -> UInt32 { try BSONScalar.integer(value, type, codingPath) }
    func decode(_ type: UInt64.Type) throws -> UInt64 { try BSONScalar.integer(value, type, codingPath) }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        try BSONDecoderImplementation.unbox(value, as: type, codingPath: codingPath)
    }
}
