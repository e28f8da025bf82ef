// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Sets a scalar field (status, priority, assignee, …) from an old value to a new one.
///
/// **Conflict rule:** the server orders all operations, and of two concurrent
/// sets of the same field the one ordered *later* wins. Transformed against an
/// earlier set, an operation keeps its new value and takes the earlier one's
/// new value as its old value; the earlier operation, transformed against the
/// later one, becomes a no-op. Sets of different fields do not interact.
///
/// JSON: `{"field": "status", "old": …, "new": …}`.
public struct FieldOperation<Value: Codable & Sendable & Equatable>: Sendable, Equatable, Codable {
    /// The name of the field.
    public var field: String
    /// The value the field must hold for the operation to apply.
    public var oldValue: Value
    /// The value the field holds afterwards.
    public var newValue: Value

    /// A set of `field` from `oldValue` to `newValue`.
    public init(field: String, from oldValue: Value, to newValue: Value) {
        self.field = field
        self.oldValue = oldValue
        self.newValue = newValue
    }

    /// `true` when the operation leaves the value as it is.
    public var isNoop: Bool { oldValue == newValue }

    /// The new value; throws ``OTError/fieldMismatch(field:)`` unless `current` is ``oldValue``.
    public func apply(to current: Value) throws(OTError) -> Value {
        guard current == oldValue else { throw .fieldMismatch(field: field) }
        return newValue
    }

    /// Transforms two concurrent operations; see the conflict rule above.
    /// - Parameter priority: the operand the server ordered first (it loses).
    public static func transform(
        _ a: FieldOperation, _ b: FieldOperation, priority: OTPriority
    ) -> (FieldOperation, FieldOperation) {
        guard a.field == b.field else { return (a, b) }
        switch priority {
        case .left:  // `a` first, `b` wins.
            return (
                FieldOperation(field: a.field, from: b.newValue, to: b.newValue),
                FieldOperation(field: b.field, from: a.newValue, to: b.newValue)
            )
        case .right:  // `b` first, `a` wins.
            return (
                FieldOperation(field: a.field, from: b.newValue, to: a.newValue),
                FieldOperation(field: b.field, from: a.newValue, to: a.newValue)
            )
        }
    }

    /// One operation doing `a` then `b` (from `a`'s old value to `b`'s new value).
    /// Throws ``OTError/fieldMismatch(field:)`` unless `b` sets the same field
    /// starting from `a`'s new value.
    public static func compose(_ a: FieldOperation, _ b: FieldOperation) throws(OTError) -> FieldOperation {
        guard a.field == b.field, a.newValue == b.oldValue else { throw .fieldMismatch(field: b.field) }
        return FieldOperation(field: a.field, from: a.oldValue, to: b.newValue)
    }

    private enum CodingKeys: String, CodingKey {
        case field
        case oldValue = "old"
        case newValue = "new"
    }

    /// Decodes `{"field", "old", "new"}`; an empty field name is rejected.
    public init(from decoder: any Decoder) throws {
        let object = try decoder.container(keyedBy: CodingKeys.self)
        field = try object.decode(String.self, forKey: .field)
        guard !field.isEmpty else {
            let error = OTError.invalidComponent("a field name must not be empty")
            throw DecodingError.dataCorruptedError(forKey: .field, in: object, debugDescription: error.description)
        }
        oldValue = try object.decode(Value.self, forKey: .oldValue)
        newValue = try object.decode(Value.self, forKey: .newValue)
    }

    /// Encodes `{"field", "old", "new"}`.
    public func encode(to encoder: any Encoder) throws {
        var object = encoder.container(keyedBy: CodingKeys.self)
        try object.encode(field, forKey: .field)
        try object.encode(oldValue, forKey: .oldValue)
        try object.encode(newValue, forKey: .newValue)
    }
}

/// Field operations hash when their values do.
extension FieldOperation: Hashable where Value: Hashable {}
