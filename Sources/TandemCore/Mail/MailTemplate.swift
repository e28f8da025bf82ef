// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A message's wording with `{{name}}` placeholders: a subject, a plain-text body and an HTML
/// body. Values are inserted as text: escaped in the HTML body, so a ticket title or a name
/// can never become markup; control characters are taken out of the subject by the composer.
/// A placeholder without a value renders as nothing. Admins may change a template
/// (`PUT /api/v1/mail/templates/{kind}`); the built-in texts are `MailTemplates.builtIn`.
public struct MailTemplate: Sendable, Hashable, Codable {
    public var subject: String
    public var text: String
    public var html: String

    public init(subject: String, text: String, html: String) {
        self.subject = subject
        self.text = text
        self.html = html
    }

    /// The three parts with `values` filled in.
    public func render(_ values: [String: String]) -> RenderedMail {
        RenderedMail(
            subject: Self.fill(subject, values, escape: { $0 }),
            text: Self.fill(text, values, escape: { $0 }),
            html: Self.fill(html, values, escape: Self.escapeHTML))
    }

    static func fill(_ template: String, _ values: [String: String], escape: (String) -> String) -> String {
        var out = ""
        var rest = Substring(template)
        while let open = rest.firstRange(of: "{{") {
            out += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].firstRange(of: "}}") else {
                out += rest[open.lowerBound...]
                return out
            }
            let name = String(
                rest[open.upperBound..<close.lowerBound].drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
            out += escape(values[name] ?? "")
            rest = rest[close.upperBound...]
        }
        return out + rest
    }

    static func escapeHTML(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for character in value {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(character)
            }
        }
        return out
    }
}

/// A template with its values filled in.
public struct RenderedMail: Sendable, Hashable {
    public var subject: String
    public var text: String
    public var html: String
}
