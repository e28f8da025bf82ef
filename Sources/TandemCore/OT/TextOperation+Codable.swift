// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

// Wire format (the ot-text-unicode convention), counts in Unicode scalars:
//   a positive integer N   retain N
//   a non-empty string     insert it
//   {"d": N}, N > 0        delete N
// An operation is a JSON array of these, e.g. [5, "hi", {"d": 3}]; `[]` is the identity.

extension TextOperation.Component: Codable {
    private struct DeleteKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
        static let d = DeleteKey(stringValue: "d")
    }

    /// Decodes a positive integer (retain), a non-empty string (insert) or
    /// `{"d": N}` (delete). Anything else throws `DecodingError.dataCorrupted`
    /// whose `underlyingError` is an ``OTError``.
    public init(from decoder: any Decoder) throws {
        if let object = try? decoder.container(keyedBy: DeleteKey.self) {
            let keys = object.allKeys.map(\.stringValue).sorted()
            guard keys == ["d"] else {
                throw Self.corrupted(decoder, "an object component must be {\"d\": N}, got keys \(keys)")
            }
            guard let count = try? object.decode(Int.self, forKey: .d) else {
                throw Self.corrupted(decoder, "a delete count must be an integer")
            }
            guard count > 0 else { throw Self.corrupted(decoder, "a delete count must be positive, got \(count)") }
            self = .delete(count)
            return
        }
        let value = try decoder.singleValueContainer()
        if (try? value.decode(Bool.self)) != nil {
            throw Self.corrupted(decoder, "a component cannot be a boolean")
        }
        if let count = try? value.decode(Int.self) {
            guard count > 0 else { throw Self.corrupted(decoder, "a retain count must be positive, got \(count)") }
            self = .retain(count)
        } else if let text = try? value.decode(String.self) {
            guard !text.isEmpty else { throw Self.corrupted(decoder, "an insert must not be empty") }
            self = .insert(text)
        } else {
            throw Self.corrupted(decoder, "a component must be a positive integer, a string or {\"d\": N}")
        }
    }

    /// Encodes as a positive integer, a string or `{"d": N}`.
    public func encode(to encoder: any Encoder) throws {
        switch self {
        case let .retain(count):
            var value = encoder.singleValueContainer()
            try value.encode(count)
        case let .insert(text):
            var value = encoder.singleValueContainer()
            try value.encode(text)
        case let .delete(count):
            var object = encoder.container(keyedBy: DeleteKey.self)
            try object.encode(count, forKey: .d)
        }
    }

    private static func corrupted(_ decoder: any Decoder, _ reason: String) -> DecodingError {
        corrupted(decoder.codingPath, .invalidComponent(reason))
    }

    static func corrupted(_ codingPath: [any CodingKey], _ error: OTError) -> DecodingError {
        .dataCorrupted(.init(codingPath: codingPath, debugDescription: error.description, underlyingError: error))
    }
}

extension TextOperation: Codable {
    /// Decodes a JSON array of components and validates it (see
    /// ``init(validating:)``); errors are `DecodingError.dataCorrupted` with an
    /// ``OTError`` as `underlyingError`.
    public init(from decoder: any Decoder) throws {
        var array = try decoder.unkeyedContainer()
        var components: [Component] = []
        if let count = array.count { components.reserveCapacity(count) }
        while !array.isAtEnd {
            components.append(try array.decode(Component.self))
        }
        do {
            try self.init(validating: components)
        } catch {
            throw Component.corrupted(decoder.codingPath, error)
        }
    }

    /// Encodes as a JSON array of components.
    public func encode(to encoder: any Encoder) throws {
        var array = encoder.unkeyedContainer()
        try array.encode(contentsOf: components)
    }
}
