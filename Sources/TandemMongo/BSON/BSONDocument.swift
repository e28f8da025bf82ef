// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A BSON document: ordered fields with string keys.
///
/// A Swift value: build it with a dictionary literal (keys keep their order),
/// ``append(_:_:)`` or the subscript; turn it into bytes with ``bytes()`` and
/// back with ``init(bytes:)``. ``OwnedBSON`` hands it to libbson.
public struct BSONDocument: Sendable, Hashable, ExpressibleByDictionaryLiteral, Sequence {
    /// One field.
    public struct Field: Sendable, Hashable {
        public var key: String
        public var value: BSON

        public init(key: String, value: BSON) {
            self.key = key
            self.value = value
        }
    }

    /// The fields, in order.
    public private(set) var fields: [Field]

    /// An empty document.
    public init() { fields = [] }

    /// A document of these fields, in this order.
    public init(_ elements: some Sequence<(String, BSON)>) {
        fields = elements.map { Field(key: $0.0, value: $0.1) }
    }

    public init(dictionaryLiteral elements: (String, BSON)...) {
        self.init(elements)
    }

    /// Whether the document has no field.
    public var isEmpty: Bool { fields.isEmpty }
    /// The number of fields.
    public var count: Int { fields.count }
    /// The keys, in order.
    public var keys: [String] { fields.map(\.key) }

    /// The value of the first field named `key`. Setting replaces that field in
    /// place, appends a new one, or removes it when set to `nil`.
    public subscript(key: String) -> BSON? {
        get { fields.first { $0.key == key }?.value }
        set {
            let index = fields.firstIndex { $0.key == key }
            switch (index, newValue) {
            case (let index?, let value?): fields[index].value = value
            case (let index?, nil): fields.remove(at: index)
            case (nil, let value?): fields.append(Field(key: key, value: value))
            case (nil, nil): break
            }
        }
    }

    /// Appends a field (even when the key is already present).
    public mutating func append(_ key: String, _ value: BSON) {
        fields.append(Field(key: key, value: value))
    }

    public func makeIterator() -> IndexingIterator<[Field]> { fields.makeIterator() }
}

extension BSONDocument: CustomStringConvertible {
    /// A compact, JSON-like rendering for logs and test failures.
    public var description: String {
        "{" + fields.map { "\($0.key): \(Self.render($0.value))" }.joined(separator: ", ") + "}"
    }

    private static func render(_ value: BSON) -> String {
        switch value {
        case .double(let value): "\(value)"
        case .string(let value): value.count > 80 ? "\"\(value.prefix(80))…\"" : "\"\(value)\""
        case .document(let document): document.description
        case .array(let values): "[" + values.map(render).joined(separator: ", ") + "]"
        case .binary(let binary): "Binary(\(binary.subtype), \(binary.bytes.count) bytes)"
        case .objectID(let id): "ObjectId(\(id))"
        case .bool(let value): "\(value)"
        case .datetime(let millis): "Date(\(millis))"
        case .null: "null"
        case .regex(let pattern, let options): "/\(pattern)/\(options)"
        case .int32(let value): "\(value)"
        case .timestamp(let increment, let seconds): "Timestamp(\(seconds), \(increment))"
        case .int64(let value): "NumberLong(\(value))"
        case .decimal128: "NumberDecimal(…)"
        case .minKey: "MinKey"
        case .maxKey: "MaxKey"
        }
    }
}
