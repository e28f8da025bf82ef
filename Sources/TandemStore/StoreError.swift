// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Every error a store reports, whatever the database behind it.
public enum StoreError: Error, Sendable, Equatable {
    /// No record with that key.
    case notFound(kind: String, id: String)
    /// A unique constraint refused the write; `field` names it (for example `email`).
    case duplicate(kind: String, field: String)
    /// Someone else committed that version first (the single-writer fence).
    case versionConflict(kind: String, id: String, version: Int64)
    /// A cursor that this store did not hand out, or that is malformed.
    case invalidCursor
    /// The database cannot be reached or refused to work; the write did not happen.
    case unavailable(String)
    /// The stored data could not be read back; never silently ignored.
    case corrupt(String)
}
