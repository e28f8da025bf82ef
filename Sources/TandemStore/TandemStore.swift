// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Everything Tandem keeps. One conformance suite runs against every implementation.
///
/// The protocol speaks in domain values only: no SQL, no BSON.
public protocol TandemStore: UserStore, TeamStore, SessionStore, TicketStore, NotificationStore, StoreMaintenance,
    TicketNumberStore, JobStore, OutboxStore, MailSettingsStore, AttachmentStore
{
    /// Applies pending schema migrations (idempotent).
    func migrate() async throws
    /// Answers quickly whether the store can serve; throws ``StoreError/unavailable(_:)`` if not.
    func ping() async throws
    /// Flushes and releases resources; further calls fail.
    func close() async throws
}
