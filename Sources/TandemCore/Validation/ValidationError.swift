// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A value that breaks a rule, naming the field and the rule.
public struct ValidationError: Error, Sendable, Hashable, Codable {
    /// The field in the request, in the client's spelling (for example `email`).
    public var field: String
    /// A stable machine-readable code, for example `too_long`.
    public var code: String
    /// A sentence a person can act on.
    public var message: String

    public init(field: String, code: String, message: String) {
        self.field = field
        self.code = code
        self.message = message
    }
}
