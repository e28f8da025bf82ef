// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// How a user wants notification e-mail.
public enum MailPreference: String, Codable, Sendable, CaseIterable {
    /// One message per notification, as it happens (the default).
    case immediately
    /// Collected into a digest. The notifications are kept (the notification store); the digest is
    /// sent by the job engine (issue 14), which does not exist yet: until then a digest user gets none.
    case digest
    /// No notification e-mail (account e-mail such as sign-up links is still sent).
    case off
}
