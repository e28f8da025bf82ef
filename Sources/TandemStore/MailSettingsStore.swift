// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// What people choose about e-mail: each user's notification preference, and the templates
/// an admin changed (a kind without a stored template uses the built-in one).
public protocol MailSettingsStore: Sendable {
    /// The user's choice; ``MailPreference/immediately`` when they never chose.
    func mailPreference(of user: UserID) async throws -> MailPreference
    func setMailPreference(_ preference: MailPreference, of user: UserID) async throws
    /// The stored template of `kind`, if an admin set one.
    func mailTemplate(kind: String) async throws -> MailTemplate?
    /// Stores `template` for `kind`; `nil` removes it (back to the built-in text).
    func setMailTemplate(_ template: MailTemplate?, kind: String) async throws
}
