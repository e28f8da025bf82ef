// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

/// Encodes `Encodable` values as BSON.
///
/// - Integers become `int64` (`Int8`…`Int32`, `UInt8`, `UInt16`: `int32`), so
///   every Swift integer round-trips exactly; `UInt64` above `Int64.max` is refused.
/// - `Data` becomes binary (subtype 0); a ``BSON`` value is embedded as is.
/// - `nil` in a keyed container is omitted by `encodeIfPresent` (the synthesized
///   default), as `JSONEncoder` does.
/// - Dictionaries with `String` keys become arrays of `{k, v}` documents sorted by
///   key: their keys are data (a client id may contain `.`, `$` or NUL), and
///   MongoDB field names may not.
public struct BSONEncoder: Sendable {
    public init() {}

    /// Encodes `value`, which must encode as a keyed container (a document).
    public func encode<Value: Encodable>(_ value: Value) throws -> BSONDocument {
        guard case .document(let document) = try encodeValue(value) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: [], debugDescription: "\(Value.self) does not encode as a document"))
        }
        return document
    }

    /// Encodes `value` as any BSON value.
    public func encodeValue<Value: Encodable>(_ value: Value) throws -> BSON {
        try BSONEncodingNode.box(value, codingPath: []).resolved
    }
}

/// What an encoder produced so far: a final value, or a container that nested
/// encoders may still be filling (hence reference types).
enum BSONEncodingNode {
    case value(BSON)
    case document(DocumentBox)
    case array(ArrayBox)

    final class DocumentBox {
        var fields: [(String, BSONEncodingNode)] = []

        func set(_ key: String, _ node: BSONEncodingNode) {
            if let index = fields.firstIndex(where: { $0.0 == key }) {
                fields[index].1 = node
            } else {
                fields.append((key, node))
            }
        }
    }

    final class ArrayBox {
        var items: [BSONEncodingNode] = []
    }

    var resolved: BSON {
        switch self {
        case .value(let value): value
        case .document(let box): .document(BSONDocument(box.fields.map { ($0.0, $0.1.resolved) }))
        case .array(let box): .array(box.items.map(\.resolved))
        }
    }

    /// Encodes one value.
    static func box<Value: Encodable>(_ value: Value, codingPath: [any CodingKey]) throws -> BSONEncodingNode {
        switch value {
        case let bson as BSON:
            return .value(bson)
        case let data as Data:
            return .value(.binary(BSONBinary(bytes: Array(data))))
        case let dictionary as any BSONStringKeyedDictionary:
            return try dictionary.bsonPairs(codingPath: codingPath)
        default:
            let encoder = BSONEncoderImplementation(codingPath: codingPath)
            try value.encode(to: encoder)
            return encoder.node ?? .document(DocumentBox())
        }
    }
}

/// `[String: Value]` encodes as `[{k: key, v: value}]`, sorted by key.
protocol BSONStringKeyedDictionary {
    func bsonPairs(codingPath: [any CodingKey]) throws -> BSONEncodingNode
}

extension Dictionary: BSONStringKeyedDictionary where Key == String, Value: Encodable {
    func bsonPairs(codingPath: [any CodingKey]) throws -> BSONEncodingNode {
        let pairs = ArrayBox()
        for (key, value) in self.sorted(by: { $0.key < $1.key }) {
            let pair = BSONEncodingNode.DocumentBox()
            pair.set("k", .value(.string(key)))
            pair.set("v", try BSONEncodingNode.box(value, codingPath: codingPath + [BSONKey(key)]))
            pairs.items.append(.document(pair))
        }
        return .array(pairs)
    }

    private typealias ArrayBox = BSONEncodingNode.ArrayBox
}

/// A coding key made at run time (array indices, dictionary keys).
struct BSONKey: CodingKey {
    var stringValue: String
    var intValue: Int?

    init(_ string: String) {
        stringValue = string
        intValue = nil
    }

    init(index: Int) {
        stringValue = String(index)
        intValue = index
    }

    init?(stringValue: String) { self.init(stringValue) }
    init?(intValue: Int) { self.init(index: intValue) }
}

final class BSONEncoderImplementation: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    var node: BSONEncodingNode?

    init(codingPath: [any CodingKey]) {
        self.codingPath = codingPath
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        let box: BSONEncodingNode.DocumentBox
        if case .document(let existing)? = node {
            box = existing
        } else {
            box = BSONEncodingNode.DocumentBox()
            node = .document(box)
        }
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<Key>(box: box, codingPath: codingPath))
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        let box: BSONEncodingNode.ArrayBox
        if case .array(let existing)? = node {
            box = existing
        } else {
            box = BSONEncodingNode.ArrayBox()
            node = .array(box)
        }
        return BSONUnkeyedEncodingContainer(box: box, codingPath: codingPath)
    }

    func singleValueContainer() -> any SingleValueEncodingContainer {
        BSONSingleValueEncodingContainer(encoder: self)
    }
}

/// Converts Swift primitives to BSON values.
enum BSONPrimitive {
    static func int<Integer: BinaryInteger>(_ value: Integer, codingPath: [any CodingKey]) throws -> BSON {
        guard let int64 = Int64(exactly: value) else {
            throw EncodingError.invalidValue(
                value, .init(codingPath: codingPath, debugDescription: "\(value) does not fit in a BSON int64"))
        }
        return .int64(int64)
    }
}

struct BSONKeyedEncodingContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
    let box: BSONEncodingNode.DocumentBox
    let codingPath: [any CodingKey]

    private func set(_ key: Key, _ value: BSON) { box.set(key.stringValue, .value(value)) }

    mutating func encodeNil(forKey key: Key) throws { set(key, .null) }
    mutating func encode(_ value: Bool, forKey key: Key) throws { set(key, .bool(value)) }
    mutating func encode(_ value: String, forKey key: Key) throws { set(key, .string(value)) }
    mutating func encode(_ value: Double, forKey key: Key) throws { set(key, .double(value)) }
    mutating func encode(_ value: Float, forKey key: Key) throws { set(key, .double(Double(value))) }
    mutating func encode(_ value: Int, forKey key: Key) throws { set(key, .int64(Int64(value))) }
    mutating func encode(_ value: Int8, forKey key: Key) throws { set(key, .int32(Int32(value))) }
    mutating func encode(_ value: Int16, forKey key: Key) throws { set(key, .int32(Int32(value))) }
    mutating func encode(_ value: Int32, forKey key: Key) throws { set(key, .int32(value)) }
    mutating func encode(_ value: Int64, forKey key: Key) throws { set(key, .int64(value)) }
    mutating func encode(_ value: UInt8, forKey key: Key) throws { set(key, .int32(Int32(value))) }
    mutating func encode(_ value: UInt16, forKey key: Key) throws { set(key, .int32(Int32(value))) }
    mutating func encode(_ value: UInt32, forKey key: Key) throws { set(key, .int64(Int64(value))) }
    mutating func encode(_ value: UInt64, forKey key: Key) throws {
        set(key, try BSONPrimitive.int(value, codingPath: codingPath + [key]))
    }
    mutating func encode(_ value: UInt, forKey key: Key) throws {
        set(key, try BSONPrimitive.int(value, codingPath: codingPath + [key]))
    }
    mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
        box.set(key.stringValue, try BSONEncodingNode.box(value, codingPath: codingPath + [key]))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(
        keyedBy keyType: NestedKey.Type, forKey key: Key
    ) -> KeyedEncodingContainer<NestedKey> {
        let nested = BSONEncodingNode.DocumentBox()
        box.set(key.stringValue, .document(nested))
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<NestedKey>(box: nested, codingPath: codingPath + [key]))
    }

    mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
        let nested = BSONEncodingNode.ArrayBox()
        box.set(key.stringValue, .array(nested))
        return BSONUnkeyedEncodingContainer(box: nested, codingPath: codingPath + [key])
    }

    mutating func superEncoder() -> any Encoder { superEncoder(forKey: Key(stringValue: "super")!) }

    mutating func superEncoder(forKey key: Key) -> any Encoder {
        BSONReferencingEncoder(codingPath: codingPath + [key]) { [box] node in box.set(key.stringValue, node) }
    }
}

struct BSONUnkeyedEncodingContainer: UnkeyedEncodingContainer {
    let box: BSONEncodingNode.ArrayBox
    let codingPath: [any CodingKey]
    var count: Int { box.items.count }

    private var nextPath: [any CodingKey] { codingPath + [BSONKey(index: box.items.count)] }
    private func append(_ value: BSON) { box.items.append(.value(value)) }

    mutating func encodeNil() throws { append(.null) }
    mutating func encode(_ value: Bool) throws { append(.bool(value)) }
    mutating func encode(_ value: String) throws { append(.string(value)) }
    mutating func encode(_ value: Double) throws { append(.double(value)) }
    mutating func encode(_ value: Float) throws { append(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { append(.int64(Int64(value))) }
    mutating func encode(_ value: Int8) throws { append(.int32(Int32(value))) }
    mutating func encode(_ value: Int16) throws { append(.int32(Int32(value))) }
    mutating func encode(_ value: Int32) throws { append(.int32(value)) }
    mutating func encode(_ value: Int64) throws { append(.int64(value)) }
    mutating func encode(_ value: UInt8) throws { append(.int32(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { append(.int32(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { append(.int64(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { append(try BSONPrimitive.int(value, codingPath: nextPath)) }
    mutating func encode(_ value: UInt) throws { append(try BSONPrimitive.int(value, codingPath: nextPath)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        box.items.append(try BSONEncodingNode.box(value, codingPath: nextPath))
    }

    mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
        let nested = BSONEncodingNode.DocumentBox()
        let path = nextPath
        box.items.append(.document(nested))
        return KeyedEncodingContainer(BSONKeyedEncodingContainer<NestedKey>(box: nested, codingPath: path))
    }

    mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
        let nested = BSONEncodingNode.ArrayBox()
        let path = nextPath
        box.items.append(.array(nested))
        return BSONUnkeyedEncodingContainer(box: nested, codingPath: path)
    }

    mutating func superEncoder() -> any Encoder {
        let index = box.items.count
        box.items.append(.value(.null))
        return BSONReferencingEncoder(codingPath: nextPath) { [box] node in box.items[index] = node }
    }
}

struct BSONSingleValueEncodingContainer: SingleValueEncodingContainer {
    let encoder: BSONEncoderImplementation
    var codingPath: [any CodingKey] { encoder.codingPath }

    private func set(_ value: BSON) { encoder.node = .value(value) }

    mutating func encodeNil() throws { set(.null) }
    mutating func encode(_ value: Bool) throws { set(.bool(value)) }
    mutating func encode(_ value: String) throws { set(.string(value)) }
    mutating func encode(_ value: Double) throws { set(.double(value)) }
    mutating func encode(_ value: Float) throws { set(.double(Double(value))) }
    mutating func encode(_ value: Int) throws { set(.int64(Int64(value))) }
    mutating func encode(_ value: Int8) throws { set(.int32(Int32(value))) }
    mutating func encode(_ value: Int16) throws { set(.int32(Int32(value))) }
    mutating func encode(_ value: Int32) throws { set(.int32(value)) }
    mutating func encode(_ value: Int64) throws { set(.int64(value)) }
    mutating func encode(_ value: UInt8) throws { set(.int32(Int32(value))) }
    mutating func encode(_ value: UInt16) throws { set(.int32(Int32(value))) }
    mutating func encode(_ value: UInt32) throws { set(.int64(Int64(value))) }
    mutating func encode(_ value: UInt64) throws { set(try BSONPrimitive.int(value, codingPath: codingPath)) }
    mutating func encode(_ value: UInt) throws { set(try BSONPrimitive.int(value, codingPath: codingPath)) }
    mutating func encode<T: Encodable>(_ value: T) throws {
        encoder.node = try BSONEncodingNode.box(value, codingPath: codingPath)
    }
}

/// An encoder whose result is stored into its parent container when it is done
/// (for `superEncoder`): the parent keeps a placeholder until then.
final class BSONReferencingEncoder: Encoder {
    let codingPath: [any CodingKey]
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    private let inner: BSONEncoderImplementation
    private let store: (BSONEncodingNode) -> Void

    init(codingPath: [any CodingKey], store: @escaping (BSONEncodingNode) -> Void) {
        self.codingPath = codingPath
        self.inner = BSONEncoderImplementation(codingPath: codingPath)
        self.store = store
    }

    deinit {
        store(inner.node ?? .document(BSONEncodingNode.DocumentBox()))
    }

    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        inner.container(keyedBy: type)
    }

    func unkeyedContainer() -> any UnkeyedEncodingContainer { inner.unkeyedContainer() }
    func singleValueContainer() -> any SingleValueEncodingContainer { inner.singleValueContainer() }
}
