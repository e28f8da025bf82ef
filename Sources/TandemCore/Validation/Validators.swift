// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Field rules shared by the REST API, the WebSocket protocol and the CLI.
public enum Validators {
    /// Trims and checks a person's or team's name: 1...`maxLength` scalars, no control characters.
    public static func name(
        _ value: String, field: String = "name", maxLength: Int = FieldLimits.nameScalars
    ) throws(ValidationError) -> String {
        let trimmed = value.trimmingWhitespace()
        if trimmed.isEmpty {
            throw ValidationError(field: field, code: "required", message: "\(field) must not be empty.")
        }
        if trimmed.unicodeScalars.count > maxLength {
            throw ValidationError(
                field: field, code: "too_long", message: "\(field) must be at most \(maxLength) characters.")
        }
        if trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError(
                field: field, code: "invalid", message: "\(field) must not contain control characters.")
        }
        return trimmed
    }

    /// Trims, lower-cases and checks an e-mail address (a pragmatic subset of RFC 5322:
    /// one `@`, a non-empty local part, a dotted domain, at most 254 characters).
    public static func email(_ value: String, field: String = "email") throws(ValidationError) -> String {
        let email = value.trimmingWhitespace().lowercased()
        let invalid = ValidationError(field: field, code: "invalid_email", message: "\(field) must be an e-mail address.")
        guard !email.isEmpty, email.utf8.count <= 254 else { throw invalid }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[0].utf8.count <= 64 else { throw invalid }
        let domain = parts[1]
        let labels = domain.split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty && $0.utf8.count <= 63 }) else { throw invalid }
        let allowedLocal = Set("abcdefghijklmnopqrstuvwxyz0123456789.!#$%&'*+/=?^_`{|}~-".unicodeScalars)
        let allowedDomain = Set("abcdefghijklmnopqrstuvwxyz0123456789-.".unicodeScalars)
        guard parts[0].unicodeScalars.allSatisfy({ allowedLocal.contains($0) }),
            domain.unicodeScalars.allSatisfy({ allowedDomain.contains($0) }),
            !labels.contains(where: { $0.hasPrefix("-") || $0.hasSuffix("-") })
        else { throw invalid }
        return email
    }

    /// Checks a new password against the password rules (OWASP ASVS 6.2):
    /// 12...128 characters, not all one character, not the e-mail or name.
    public static func password(
        _ value: String, field: String = "password", email: String? = nil, name: String? = nil
    ) throws(ValidationError) {
        let length = value.count
        if length < PasswordRules.minimumLength {
            throw ValidationError(
                field: field, code: "too_short",
                message: "\(field) must be at least \(PasswordRules.minimumLength) characters.")
        }
        if length > PasswordRules.maximumLength || value.utf8.count > PasswordRules.maximumBytes {
            throw ValidationError(
                field: field, code: "too_long",
                message: "\(field) must be at most \(PasswordRules.maximumLength) characters.")
        }
        if Set(value).count < 4 {
            throw ValidationError(field: field, code: "too_weak", message: "\(field) is too repetitive.")
        }
        let lowered = value.lowercased()
        for personal in [email, email?.split(separator: "@").first.map(String.init), name].compactMap({ $0 })
        where personal.count >= 4 && lowered.contains(personal.lowercased()) {
            throw ValidationError(
                field: field, code: "too_weak", message: "\(field) must not contain your name or e-mail.")
        }
    }

    /// Normalizes and checks a tag: trimmed, 1...``FieldLimits/tagScalars`` scalars (counted before
    /// lower-casing, which may lengthen a few letters), no control characters; returned lower-cased.
    public static func tag(_ value: String, field: String = "tags") throws(ValidationError) -> String {
        let tag = value.trimmingWhitespace()
        if tag.isEmpty {
            throw ValidationError(field: field, code: "invalid", message: "A tag must not be empty.")
        }
        if tag.unicodeScalars.count > FieldLimits.tagScalars {
            throw ValidationError(
                field: field, code: "too_long", message: "A tag may have at most \(FieldLimits.tagScalars) characters.")
        }
        if tag.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            throw ValidationError(field: field, code: "invalid", message: "A tag must not contain control characters.")
        }
        return tag.lowercased()
    }

    /// Checks a list's length: at most `limit` entries (`too_many`).
    public static func count<C: Collection>(_ values: C, atMost limit: Int, field: String) throws(ValidationError) {
        guard values.count <= limit else {
            throw ValidationError(field: field, code: "too_many", message: "\(field) may have at most \(limit) entries.")
        }
    }

    /// Checks the shape of an id given by a client: 1...``FieldLimits/identifierBytes`` bytes of
    /// ASCII letters, digits, `_` and `-`. Whether it names a record is checked elsewhere.
    public static func identifier(_ value: String, field: String) throws(ValidationError) {
        let allowed = value.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "_"), UInt8(ascii: "-"):
                true
            default: false
            }
        }
        guard !value.isEmpty, value.utf8.count <= FieldLimits.identifierBytes, allowed else {
            throw ValidationError(
                field: field, code: "invalid",
                message: "\(field) must be an id (1 to \(FieldLimits.identifierBytes) letters, digits, _ or -).")
        }
    }

    /// Checks that a raw value is one of an enum's cases.
    public static func oneOf<E: RawRepresentable & CaseIterable>(
        _ raw: String, as type: E.Type, field: String
    ) throws(ValidationError) -> E where E.RawValue == String {
        guard let value = E(rawValue: raw) else {
            let allowed = E.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError(field: field, code: "invalid_enum", message: "\(field) must be one of: \(allowed).")
        }
        return value
    }
}

/// Password length limits. bcrypt reads only the first 72 bytes, so longer
/// passwords are refused rather than silently truncated.
public enum PasswordRules {
    public static let minimumLength = 12
    public static let maximumLength = 72
    public static let maximumBytes = 72
}

extension String {
    /// The string without leading and trailing white space and newlines.
    public func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let end = scalars.lastIndex(where: { !$0.properties.isWhitespace })!
        return String(scalars[start...end])
    }
}
