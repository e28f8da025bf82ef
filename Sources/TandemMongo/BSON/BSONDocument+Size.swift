// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

extension BSONDocument {
    /// The size of ``bytes()`` in bytes, computed without encoding (strings
    /// are not copied): what to compare with the server's 16 MiB limit.
    public var encodedSize: Int {
        fields.reduce(5) { $0 + Self.elementSize(key: $1.key.utf8.count, $1.value) }
    }

    static func elementSize(key: Int, _ value: BSON) -> Int {
        1 + key + 1 + value.encodedSize
    }
}

extension BSON {
    /// The size of this value's encoding, without its type byte and key.
    public var encodedSize: Int {
        switch self {
        case .double, .datetime, .int64, .timestamp: 8
        case .int32: 4
        case .bool: 1
        case .null, .minKey, .maxKey: 0
        case .objectID: 12
        case .decimal128: 16
        case .string(let string): 4 + string.utf8.count + 1
        case .binary(let binary): 4 + 1 + binary.bytes.count
        case .regex(let pattern, let options): pattern.utf8.count + 1 + options.utf8.count + 1
        case .document(let document): document.encodedSize
        case .array(let values):
            values.enumerated().reduce(5) { size, element in
                size + BSONDocument.elementSize(key: String(element.offset).utf8.count, element.element)
            }
        }
    }
}
