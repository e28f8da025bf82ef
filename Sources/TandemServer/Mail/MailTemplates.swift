// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The wording of every message Tandem sends, by kind. Placeholders each kind fills in are
/// listed in docs/EMAIL.md.
public struct MailTemplates: Sendable {
    public var templates: [MailKind: MailTemplate]

    public init(_ templates: [MailKind: MailTemplate] = MailTemplates.builtIn) {
        self.templates = templates
    }

    public subscript(kind: MailKind) -> MailTemplate { templates[kind] ?? Self.builtIn[kind]! }

    /// The texts Tandem ships with.
    public static let builtIn: [MailKind: MailTemplate] = [
        .signUpConfirm: MailTemplate(
            subject: "Confirm your e-mail address for {{product}}",
            text: """
                Hello {{name}},

                someone (we hope you) asked to create a {{product}} account for this address.
                To finish, open this link and choose a password. It works once, until {{expires}}:

                {{link}}

                If you did not ask for an account, ignore this message: nothing happens without the link.
                """,
            html: """
                <p>Hello {{name}},</p>
                <p>someone (we hope you) asked to create a {{product}} account for this address.
                To finish, open this link and choose a password. It works once, until {{expires}}:</p>
                <p><a href="{{link}}">Confirm my e-mail address</a></p>
                <p>If you did not ask for an account, ignore this message: nothing happens without the link.</p>
                """),
        .signUpExisting: MailTemplate(
            subject: "You already have a {{product}} account",
            text: """
                Hello,

                someone (we hope you) asked to create a {{product}} account for this address, but it already has one.
                Sign in here: {{link}}
                If you forgot your password, ask your support team to reset it.

                If you did not ask, ignore this message: nothing was changed.
                """,
            html: """
                <p>Hello,</p>
                <p>someone (we hope you) asked to create a {{product}} account for this address, but it already has one.</p>
                <p><a href="{{link}}">Sign in</a>. If you forgot your password, ask your support team to reset it.</p>
                <p>If you did not ask, ignore this message: nothing was changed.</p>
                """),
        .ticketReceived: MailTemplate(
            subject: "[{{product}}] {{subject}}",
            text: """
                Hello {{name}},

                we received your request and will answer here by e-mail and in the portal:
                {{link}}

                Your request: {{subject}}
                """,
            html: """
                <p>Hello {{name}},</p>
                <p>we received your request and will answer here by e-mail and in the
                <a href="{{link}}">portal</a>.</p>
                <p>Your request: <strong>{{subject}}</strong></p>
                """),
        .ticketReply: MailTemplate(
            subject: "Re: [{{product}}] {{subject}}",
            text: """
                {{actor}} replied:

                {{body}}

                See the whole conversation: {{link}}
                """,
            html: """
                <p>{{actor}} replied:</p>
                <blockquote style="white-space: pre-wrap">{{body}}</blockquote>
                <p><a href="{{link}}">See the whole conversation</a></p>
                """),
        .ticketSolved: MailTemplate(
            subject: "Re: [{{product}}] {{subject}} (solved)",
            text: """
                Hello {{name}},

                {{actor}} marked your request "{{subject}}" as solved.
                If it is not, reply in the portal and it opens again: {{link}}
                """,
            html: """
                <p>Hello {{name}},</p>
                <p>{{actor}} marked your request <strong>{{subject}}</strong> as solved.</p>
                <p>If it is not, <a href="{{link}}">reply in the portal</a> and it opens again.</p>
                """),
        .assigned: MailTemplate(
            subject: "Re: [{{product}}] {{subject}} (assigned to you)",
            text: """
                {{actor}} assigned "{{subject}}" to you.

                {{link}}
                """,
            html: """
                <p>{{actor}} assigned <strong>{{subject}}</strong> to you.</p>
                <p><a href="{{link}}">Open the ticket</a></p>
                """),
        .mention: MailTemplate(
            subject: "Re: [{{product}}] {{subject}} ({{actor}} mentioned you)",
            text: """
                {{actor}} mentioned you in {{visibility}}:

                {{body}}

                {{link}}
                """,
            html: """
                <p>{{actor}} mentioned you in {{visibility}}:</p>
                <blockquote style="white-space: pre-wrap">{{body}}</blockquote>
                <p><a href="{{link}}">Open the ticket</a></p>
                """),
    ]
}

/// What a message is about: names its template and its outbox entries' `kind`.
public enum MailKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A new address signed up: the confirmation link.
    case signUpConfirm = "signup.confirm"
    /// A sign-up for an address that already has an account.
    case signUpExisting = "signup.existing"
    /// To the requester: their ticket was received (heads the ticket's e-mail thread).
    case ticketReceived = "ticket.received"
    /// To the requester: a public reply.
    case ticketReply = "ticket.reply"
    /// To the requester: the ticket was solved.
    case ticketSolved = "ticket.solved"
    /// To an agent: a ticket was assigned to them.
    case assigned = "agent.assigned"
    /// To staff: someone mentioned them in a comment they may read.
    case mention = "agent.mention"
}
