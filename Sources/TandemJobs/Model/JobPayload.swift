// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore

/// A job's input: one JSON value, kept as its text so every store holds it unchanged.
public struct JobPayload: Sendable, Hashable, Codable, CustomStringConvertible {
    /// The JSON text.
    public let json: String

    /// `{}`.
    public static let empty = JobPayload(trusted: "{}")

    /// Checks that `json` is one JSON value.
    /// - Throws: ``ValidationError`` on field `payload` (`invalid_json`).
    public init(json: String) throws(ValidationError) {
        guard (try? JSONSerialization.jsonObject(with: Data(json.utf8), options: [.fragmentsAllowed])) != nil else {
            throw ValidationError(field: "payload", code: "invalid_json", message: "The payload must be one JSON value.")
        }
        self.json = json
    }

    /// Encodes `value` as JSON.
    public init<Value: Encodable>(encoding value: Value) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        json = String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Text already known to be JSON (read back from a store that only ever held checked payloads).
    public init(trusted json: String) { self.json = json }

    /// Decodes the payload as `type`.
    public func decode<Value: Decodable>(_ type: Value.Type) throws -> Value {
        try JSONDecoder().decode(type, from: Data(json.utf8))
    }

    public var description: String { json }

    public init(from decoder: any Decoder) throws {
        json = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(json)
    }
}
