// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

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
    ]
}

/// What a message is about: names its template and its outbox entries' `kind`.
public enum MailKind: String, Sendable, Hashable, Codable, CaseIterable {
    /// A new address signed up: the confirmation link.
    case signUpConfirm = "signup.confirm"
    /// A sign-up for an address that already has an account.
    case signUpExisting = "signup.existing"
}
