// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemMongo
import TandemStore

/// Reads typed fields out of documents; a missing or mistyped field is
/// ``StoreError/corrupt(_:)`` naming the collection, field and record.
struct MongoFields {
    let document: BSONDocument
    let collection: String
    let id: String

    init(_ document: BSONDocument, collection: String) {
        self.document = document
        self.collection = collection
        self.id = document["key"]?.stringValue ?? document["ticket"]?.stringValue ?? "a document"
    }

    func corrupt(_ field: String, _ expected: String) -> StoreError {
        let found = document[field].map { "\($0)" } ?? "nothing"
        return StoreError.corrupt("\(collection).\(field) of \(id) is not \(expected): found \(found.prefix(100))")
    }

    func string(_ field: String) throws -> String {
        guard case .string(let value)? = document[field] else { throw corrupt(field, "a string") }
        return value
    }

    /// A string, or `nil` for null or a missing field.
    func optionalString(_ field: String) throws -> String? {
        switch document[field] {
        case nil, .null?: return nil
        case .string(let value)?: return value
        default: throw corrupt(field, "a string or null")
        }
    }

    /// An id, `nil` for the empty string (Tandem's "none" in indexed fields).
    func optionalKey(_ field: String) throws -> String? {
        let value = try string(field)
        return value.isEmpty ? nil : value
    }

    func int64(_ field: String) throws -> Int64 {
        guard let value = document[field]?.int64Value else { throw corrupt(field, "an integer") }
        return value
    }

    func optionalInt64(_ field: String) throws -> Int64? {
        switch document[field] {
        case nil, .null?: return nil
        case let value?:
            guard let int = value.int64Value else { throw corrupt(field, "an integer or null") }
            return int
        }
    }

    /// A Boolean. `0` and `1` are read as `false` and `true`: some servers store
    /// a Boolean written by `$set` as an integer.
    func bool(_ field: String) throws -> Bool {
        switch document[field] {
        case .bool(let value)?: return value
        case let value? where value.int64Value == 0: return false
        case let value? where value.int64Value == 1: return true
        default: throw corrupt(field, "a Boolean")
        }
    }

    func timestamp(_ field: String) throws -> Timestamp {
        Timestamp(millisecondsSince1970: try int64(field))
    }

    func optionalTimestamp(_ field: String) throws -> Timestamp? {
        try optionalInt64(field).map(Timestamp.init(millisecondsSince1970:))
    }

    func strings(_ field: String) throws -> [String] {
        guard case .array(let values)? = document[field] else { throw corrupt(field, "an array of strings") }
        return try values.map { value in
            guard case .string(let string) = value else { throw corrupt(field, "an array of strings") }
            return string
        }
    }

    func enumeration<Value: RawRepresentable>(_ field: String) throws -> Value where Value.RawValue == String {
        let raw = try string(field)
        guard let value = Value(rawValue: raw) else {
            throw StoreError.corrupt("\(collection).\(field) of \(id) holds unknown \(Value.self) '\(raw)'")
        }
        return value
    }

    func document(_ field: String) throws -> BSONDocument {
        guard case .document(let value)? = document[field] else { throw corrupt(field, "a document") }
        return value
    }

    /// Decodes a Codable value stored by ``BSONEncoder``.
    func decode<Value: Decodable>(_ type: Value.Type, _ field: String) throws -> Value {
        guard let value = document[field] else { throw corrupt(field, "a \(Value.self)") }
        do {
            return try BSONDecoder().decode(type, fromValue: value)
        } catch {
            throw StoreError.corrupt("\(collection).\(field) of \(id) does not decode as \(Value.self): \(error)")
        }
    }
}

/// Encodes Codable domain values for storage.
enum MongoCoding {
    static func encode(_ value: some Encodable, what: @autoclosure () -> String) throws -> BSON {
        do {
            return try BSONEncoder().encodeValue(value)
        } catch {
            throw StoreError.corrupt("cannot encode \(what()): \(error)")
        }
    }
}

/// Text normalization shared by the queries.
enum MongoText {
    /// ASCII-only lower-casing: the key that makes e-mail addresses and team names
    /// unique regardless of case, as SQLite's `NOCASE` collation does.
    static func asciiKey(_ text: String) -> String {
        String(
            String.UnicodeScalarView(
                text.unicodeScalars.map { scalar in
                    ("A"..."Z").contains(scalar) ? Unicode.Scalar(scalar.value + 32)! : scalar
                }))
    }

    /// NFC and lower-cased, so that `ÉLODIE`, `élodie` and `e\u{301}lodie` all match.
    static func fold(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.lowercased().precomposedStringWithCanonicalMapping
    }

    /// A regular expression matching `text` literally anywhere: every ASCII character
    /// that is not a letter or digit is written `\xHH` (which PCRE and other engines
    /// read the same way), other characters stand for themselves.
    static func literalPattern(_ text: String) -> String {
        var pattern = ""
        for scalar in text.unicodeScalars {
            if scalar.isASCII && !(scalar.properties.isAlphabetic || ("0"..."9").contains(scalar)) {
                let hex = String(scalar.value, radix: 16, uppercase: true)
                pattern += "\\x" + (hex.count == 1 ? "0" + hex : hex)
            } else {
                pattern.unicodeScalars.append(scalar)
            }
        }
        return pattern
    }
}
