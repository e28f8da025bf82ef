// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HummingbirdTesting
import TandemCore
import Testing

@testable import TandemServer

/// Every input field of the REST API against its documented limit and charset (docs/API.md,
/// "Field limits"): accepted at the limit, the typed 422 one past it, and for a control
/// character the documented answer.
@Suite struct FieldLimitsTests {
    /// Who and what a case may use.
    struct Fixture: Sendable {
        var api: APIClient
        var admin: String
        var agent: String
        var agentID: String
        var team: String
        var ticket: String
        /// A fresh, unique string for fields that must be unique.
        var unique: String { "u\(UInt32.random(in: 0...UInt32.max))" }
    }

    /// One field: how to send a value, and the values to send.
    struct FieldCase: Sendable, CustomTestStringConvertible {
        var field: String
        /// The longest accepted value (or list).
        var atLimit: @Sendable (Fixture) -> any Sendable
        /// One past the limit, and the 422 code it gets.
        var overLimit: @Sendable (Fixture) -> any Sendable
        var overCode: String
        /// A value with a control character and the code it gets (`nil`: accepted).
        var control: (@Sendable (Fixture) -> any Sendable)?
        var controlCode: String?
        /// The error's `field`.
        var errorField: String
        var send: @Sendable (Fixture, any Sendable) async throws -> TestResponse
        var testDescription: String { field }
    }

    static func text(_ count: Int, _ unit: String = "x") -> String { String(repeating: unit, count: count) }
    /// An e-mail address of exactly `bytes` bytes (a 64-byte local part, labels of at most 63).
    static func email(bytes: Int) -> String {
        text(64, "l") + "@" + text(63, "a") + "." + text(63, "b") + "." + text(bytes - 65 - 128, "c")
    }

    static let cases: [FieldCase] = [
        FieldCase(
            field: "user name", atLimit: { _ in text(FieldLimits.nameScalars, "é") },
            overLimit: { _ in text(FieldLimits.nameScalars + 1) }, overCode: "too_long",
            control: { _ in "Ann\u{7}" }, controlCode: "invalid", errorField: "name",
            send: { f, v in try await f.api.patch("/api/v1/users/\(f.agentID)", ["name": v], bearer: f.agent) }),
        FieldCase(
            field: "team name",
            atLimit: { f in String((f.unique + text(FieldLimits.nameScalars)).prefix(FieldLimits.nameScalars)) },
            overLimit: { _ in text(FieldLimits.nameScalars + 1) }, overCode: "too_long",
            control: { _ in "Team\u{0}" }, controlCode: "invalid", errorField: "name",
            send: { f, v in try await f.api.post("/api/v1/teams", ["name": v], bearer: f.admin) }),
        FieldCase(
            field: "email", atLimit: { _ in email(bytes: 254) }, overLimit: { _ in email(bytes: 255) },
            overCode: "invalid_email", control: { _ in "ann\u{1}@example.com" }, controlCode: "invalid_email",
            errorField: "email",
            // One's own e-mail changes only with the current password (AuthGuessingTests).
            send: { f, v in
                try await f.api.patch(
                    "/api/v1/users/\(f.agentID)", ["email": v, "currentPassword": goodPassword], bearer: f.agent)
            }),
        FieldCase(
            field: "password", atLimit: { _ in "violet-harbour-" + text(PasswordRules.maximumLength - 15, "q") },
            overLimit: { _ in "violet-harbour-" + text(PasswordRules.maximumLength - 14, "q") }, overCode: "too_long",
            control: { _ in "violet\u{9}harbour-lantern" }, controlCode: nil, errorField: "password",
            send: { f, v in
                try await f.api.post(
                    "/api/v1/users", ["email": "\(f.unique)@example.com", "name": "New", "password": v, "role": "agent"],
                    bearer: f.admin)
            }),
        FieldCase(
            field: "ticket subject", atLimit: { _ in text(FieldLimits.subjectScalars, "漢") },
            overLimit: { _ in text(FieldLimits.subjectScalars + 1) }, overCode: "too_long",
            control: { _ in "Printer\u{1B}[31m" }, controlCode: "invalid", errorField: "subject",
            send: { f, v in try await f.api.post("/api/v1/tickets", ["subject": v, "description": ""], bearer: f.agent) }),
        FieldCase(
            field: "ticket subject (PATCH)", atLimit: { _ in text(FieldLimits.subjectScalars) },
            overLimit: { _ in text(FieldLimits.subjectScalars + 1) }, overCode: "too_long",
            control: { _ in "Printer\u{7F}" }, controlCode: "invalid", errorField: "",
            send: { f, v in try await f.api.patch("/api/v1/tickets/\(f.ticket)", ["subject": v], bearer: f.agent) }),
        FieldCase(
            field: "ticket description", atLimit: { _ in text(4096) }, overLimit: { _ in text(4097) },
            overCode: "too_long", control: { _ in "line one\n\tline two\u{7}" }, controlCode: nil, errorField: "description",
            send: { f, v in try await f.api.post("/api/v1/tickets", ["subject": "Text", "description": v], bearer: f.agent) }),
        FieldCase(
            field: "comment body", atLimit: { _ in text(TicketLimits().maxCommentScalars) },
            overLimit: { _ in text(TicketLimits().maxCommentScalars + 1) }, overCode: "too_long",
            control: { _ in "Hello,\r\n\tthanks\u{7}" }, controlCode: nil, errorField: "",
            send: { f, v in try await f.api.post("/api/v1/tickets/\(f.ticket)/comments", ["body": v], bearer: f.agent) }),
        FieldCase(
            field: "tags[]", atLimit: { _ in [text(FieldLimits.tagScalars, "t")] },
            overLimit: { _ in [text(FieldLimits.tagScalars + 1, "t")] }, overCode: "too_long",
            control: { _ in ["bug\u{8}"] }, controlCode: "invalid", errorField: "tags[0]",
            send: { f, v in
                try await f.api.post("/api/v1/tickets", ["subject": "Tags", "description": "", "tags": v], bearer: f.agent)
            }),
        FieldCase(
            field: "tags (count)", atLimit: { _ in (0..<FieldLimits.tagsPerRequest).map { "t\($0)" } },
            overLimit: { _ in (0...FieldLimits.tagsPerRequest).map { "t\($0)" } }, overCode: "too_many",
            control: nil, controlCode: nil, errorField: "tags",
            send: { f, v in
                try await f.api.post("/api/v1/tickets", ["subject": "Tags", "description": "", "tags": v], bearer: f.agent)
            }),
        FieldCase(
            field: "addTags[]", atLimit: { _ in [text(FieldLimits.tagScalars, "a")] },
            overLimit: { _ in [text(FieldLimits.tagScalars + 1, "a")] }, overCode: "too_long",
            control: { _ in ["bug\u{A}fix"] }, controlCode: "invalid", errorField: "addTags[0]",
            send: { f, v in try await f.api.patch("/api/v1/tickets/\(f.ticket)", ["addTags": v], bearer: f.agent) }),
        FieldCase(
            field: "removeTags[]", atLimit: { _ in [text(FieldLimits.tagScalars, "r")] },
            overLimit: { _ in [text(FieldLimits.tagScalars + 1, "r")] }, overCode: "too_long",
            control: { _ in ["\u{1}"] }, controlCode: "invalid", errorField: "removeTags[0]",
            send: { f, v in try await f.api.patch("/api/v1/tickets/\(f.ticket)", ["removeTags": v], bearer: f.agent) }),
        FieldCase(
            field: "addTags (count)", atLimit: { _ in (0..<FieldLimits.tagsPerRequest).map { "a\($0)" } },
            overLimit: { _ in (0...FieldLimits.tagsPerRequest).map { "a\($0)" } }, overCode: "too_many",
            control: nil, controlCode: nil, errorField: "addTags",
            send: { f, v in try await f.api.patch("/api/v1/tickets/\(f.ticket)", ["addTags": v], bearer: f.agent) }),
        FieldCase(
            field: "mentions", atLimit: { _ in (0..<FieldLimits.mentionsPerComment).map { "usr_\($0)" } },
            overLimit: { _ in (0...FieldLimits.mentionsPerComment).map { "usr_\($0)" } }, overCode: "too_many",
            control: { _ in ["usr_\u{0}"] }, controlCode: "invalid", errorField: "mentions",
            send: { f, v in
                try await f.api.post(
                    "/api/v1/tickets/\(f.ticket)/comments", ["body": "hi", "visibility": "internal", "mentions": v],
                    bearer: f.agent)
            }),
        FieldCase(
            field: "mentions[]", atLimit: { _ in ["usr_" + text(FieldLimits.identifierBytes - 4, "A")] },
            overLimit: { _ in ["usr_" + text(FieldLimits.identifierBytes - 3, "A")] }, overCode: "invalid",
            control: { _ in ["usr_\u{9}"] }, controlCode: "invalid", errorField: "mentions[0]",
            send: { f, v in
                try await f.api.post("/api/v1/tickets/\(f.ticket)/comments", ["body": "hi", "mentions": v], bearer: f.agent)
            }),
        FieldCase(
            field: "notification ids", atLimit: { _ in (0..<FieldLimits.idsPerRequest).map { "ntf_\($0)" } },
            overLimit: { _ in (0...FieldLimits.idsPerRequest).map { "ntf_\($0)" } }, overCode: "too_many",
            control: { _ in ["ntf_\u{1F}"] }, controlCode: "invalid", errorField: "ids",
            send: { f, v in try await f.api.post("/api/v1/notifications/read", ["ids": v], bearer: f.agent) }),
        FieldCase(
            field: "members (count)", atLimit: { _ in [[String: String]]() },
            overLimit: { f in (0...FieldLimits.membersPerRequest).map { _ in ["userId": f.agentID, "role": "agent"] } },
            overCode: "too_many", control: nil, controlCode: nil, errorField: "members",
            send: { f, v in try await f.api.post("/api/v1/teams", ["name": f.unique, "members": v], bearer: f.admin) }),
        FieldCase(
            field: "limit (query)", atLimit: { _ in "200" }, overLimit: { _ in "201" }, overCode: "invalid",
            control: { _ in "%01" }, controlCode: "invalid", errorField: "limit",
            send: { f, v in try await f.api.get("/api/v1/tickets?limit=\(v)", bearer: f.agent) }),
    ]

    /// The `Name` and `Email` patterns of openapi.json say what the server accepts: white space
    /// around the value is trimmed, then the rule applies (the fuzzer found a pattern that
    /// refused a name the server accepts after trimming).
    @Test func thePatternsOfTheDocumentMatchTheServer() async throws {
        let env = try await TestEnvironment.make()
        try await env.user("root@example.com", role: .admin)
        try await env.run { api in
            let admin = try await api.login("root@example.com").accessToken
            let document = try await api.get("/api/v1/openapi.json").json()
            let schemas = try #require((document["components"] as? [String: Any])?["schemas"] as? [String: Any])
            let pattern = try #require((schemas["Name"] as? [String: Any])?["pattern"] as? String)
            let regex = try NSRegularExpression(pattern: pattern)
            let values = [
                "\nAlpha\n", "  Beta", " ", "", "A\u{7}", "Ga\u{85}mma", "\u{2028}Delta\u{3000}", "Eps\u{2028}ilon",
                Self.text(120, "z"), " " + Self.text(120, "y") + "\t", Self.text(121, "x"), "Zeta\u{0}",
            ]
            for name in values {
                let documented = regex.firstMatch(in: name, range: NSRange(name.startIndex..., in: name)) != nil
                let response = try await api.post("/api/v1/teams", ["name": name], bearer: admin)
                #expect(
                    (response.status == .created) == documented,
                    "\(name.debugDescription): document \(documented), server \(response.status)")
            }
            // The same for e-mail addresses (trimmed and lower-cased by the server).
            let emailPattern = try #require((schemas["Email"] as? [String: Any])?["pattern"] as? String)
            let emailRegex = try NSRegularExpression(pattern: emailPattern)
            let kim = try await env.user("kim@example.com", role: .agent)
            let emails = [
                " kim1@example.com\n", "KIM2@EXAMPLE.COM", "kim3@example", "kim 4@example.com", "kim5@-example.com",
                "kim6@example.com-", "kim7@ex_ample.com", "kim.8+tag@a-b.example.org", "kim9\u{1}@example.com",
            ]
            for email in emails {
                let documented = emailRegex.firstMatch(in: email, range: NSRange(email.startIndex..., in: email)) != nil
                let response = try await api.patch("/api/v1/users/\(kim.id)", ["email": email], bearer: admin)
                #expect(
                    (response.status == .ok) == documented,
                    "\(email.debugDescription): document \(documented), server \(response.status)")
            }
        }
    }

    @Test(arguments: cases)
    func fieldLimit(_ field: FieldCase) async throws {
        let env = try await TestEnvironment.make { $0.actors.maxTextScalars = 4096 }
        try await env.user("root@example.com", role: .admin)
        let ann = try await env.user("ann@example.com", role: .agent)
        let team = try await env.team("Alpha", [(ann, .agent)])
        try await env.run { api in
            let admin = try await api.login("root@example.com").accessToken
            let agent = try await api.login("ann@example.com").accessToken
            let created = try await api.post(
                "/api/v1/tickets", ["subject": "Limits", "description": "", "team": team.id.rawValue], bearer: agent)
            let ticket = try #require(try created.json()["id"] as? String)
            let fixture = Fixture(
                api: api, admin: admin, agent: agent, agentID: ann.id.rawValue, team: team.id.rawValue, ticket: ticket)

            let accepted = try await field.send(fixture, field.atLimit(fixture))
            #expect((200..<300).contains(accepted.status.code), "at the limit: \(accepted.bodyText.prefix(300))")

            let over = try await field.send(fixture, field.overLimit(fixture))
            expectError(over, .unprocessableContent, field.overCode)
            #expect((over.errorField ?? "").hasPrefix(field.errorField), "\(over.bodyText.prefix(300))")

            if let control = field.control {
                let answer = try await field.send(fixture, control(fixture))
                if let code = field.controlCode {
                    expectError(answer, .unprocessableContent, code)
                } else {
                    #expect((200..<300).contains(answer.status.code), "control character: \(answer.bodyText.prefix(300))")
                }
            }
        }
    }
}
