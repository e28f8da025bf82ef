// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore
import TandemStore

/// `/api/v1/mail`: the caller's notification e-mail preference, and (admins) the templates.
struct MailController {
    typealias Context = TandemRequestContext
    let store: any TandemStore
    let templates = MailTemplates()

    func addRoutes(to group: RouterGroup<Context>) {
        group.get("preference", use: preference)
        group.put("preference", use: setPreference)
        group.get("templates", use: listTemplates)
        group.put("templates/:kind", use: setTemplate)
        group.delete("templates/:kind", use: resetTemplate)
    }

    struct PreferenceResource: ResponseEncodable, Sendable {
        var notifications: MailPreference
    }

    struct PreferenceRequest: RequestBody {
        static let fields: Set<String> = ["notifications"]
        var notifications: String
    }

    struct TemplateResource: ResponseEncodable, Sendable {
        var kind: String
        var subject: String
        var text: String
        var html: String
        /// Whether an admin changed it (false: the built-in text).
        var custom: Bool
    }

    struct TemplateList: ResponseEncodable, Sendable {
        var items: [TemplateResource]
    }

    struct TemplateRequest: RequestBody {
        static let fields: Set<String> = ["subject", "text", "html"]
        var subject: String
        var text: String
        var html: String
    }

    /// Longest template part, in Unicode scalars.
    static let maxTemplateScalars = 65_536

    @Sendable func preference(_ request: Request, context: Context) async throws -> PreferenceResource {
        PreferenceResource(notifications: try await store.mailPreference(of: try context.requireIdentity().user.id))
    }

    @Sendable func setPreference(_ request: Request, context: Context) async throws -> PreferenceResource {
        let identity = try context.requireIdentity()
        let body = try await request.decodeBody(PreferenceRequest.self, context: context)
        let preference = try Validators.oneOf(body.notifications, as: MailPreference.self, field: "notifications")
        try await store.setMailPreference(preference, of: identity.user.id)
        return PreferenceResource(notifications: preference)
    }

    @Sendable func listTemplates(_ request: Request, context: Context) async throws -> TemplateList {
        try requireAdmin(context)
        var items: [TemplateResource] = []
        for kind in MailKind.allCases {
            items.append(try await resource(kind))
        }
        return TemplateList(items: items)
    }

    @Sendable func setTemplate(_ request: Request, context: Context) async throws -> TemplateResource {
        try requireAdmin(context)
        let kind = try self.kind(context)
        let body = try await request.decodeBody(TemplateRequest.self, context: context)
        let subject = try Validators.name(body.subject, field: "subject", maxLength: FieldLimits.subjectScalars)
        for (field, value) in [("text", body.text), ("html", body.html)] {
            guard !value.trimmingWhitespace().isEmpty else {
                throw APIError(.unprocessableContent, code: "required", message: "\(field) must not be empty.", field: field)
            }
            guard value.unicodeScalars.count <= Self.maxTemplateScalars else {
                throw APIError(
                    .unprocessableContent, code: "too_long",
                    message: "\(field) must be at most \(Self.maxTemplateScalars) characters.",
                    field: field)
            }
        }
        try await store.setMailTemplate(MailTemplate(subject: subject, text: body.text, html: body.html), kind: kind.rawValue)
        return try await resource(kind)
    }

    @Sendable func resetTemplate(_ request: Request, context: Context) async throws -> TemplateResource {
        try requireAdmin(context)
        let kind = try self.kind(context)
        try await store.setMailTemplate(nil, kind: kind.rawValue)
        return try await resource(kind)
    }

    private func resource(_ kind: MailKind) async throws -> TemplateResource {
        let stored = try await store.mailTemplate(kind: kind.rawValue)
        let template = stored ?? templates[kind]
        return TemplateResource(
            kind: kind.rawValue, subject: template.subject, text: template.text, html: template.html, custom: stored != nil)
    }

    private func kind(_ context: Context) throws -> MailKind {
        guard let kind = MailKind(rawValue: try context.pathParameter("kind")) else { throw APIError.notFound("Template") }
        return kind
    }

    private func requireAdmin(_ context: Context) throws {
        guard try context.requireIdentity().user.role == .admin else {
            throw APIError.forbidden("Only admins may read or change e-mail templates.")
        }
    }
}
