// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Removes stored bytes no attachment record names, and what killed uploads left behind.
///
/// One pass, safe to repeat and to run on any node at any time: bytes committed less than
/// `grace` ago are kept even when unnamed, since their record may be about to be written (an
/// upload commits its bytes, then its record). Meant to be scheduled on the job engine.
public struct OrphanSweep: Sendable {
    public var store: any AttachmentStore
    public var storage: any AttachmentStorage

    public init(store: any AttachmentStore, storage: any AttachmentStorage) {
        self.store = store
        self.storage = storage
    }

    /// What one pass removed.
    public struct Outcome: Sendable, Hashable {
        public var orphans: Int
        public var abandonedUploads: Int

        public init(orphans: Int, abandonedUploads: Int) {
            self.orphans = orphans
            self.abandonedUploads = abandonedUploads
        }
    }

    /// Runs one pass at `now`, sparing uploads and bytes younger than `grace` milliseconds.
    public func run(now: Timestamp, grace: Int64 = 3_600_000) async throws -> Outcome {
        let cutoff = now.adding(milliseconds: -grace)
        let abandoned = try await storage.removeAbandonedUploads(startedBefore: cutoff)
        // Stored first, then named: bytes older than the cutoff whose record is written
        // meanwhile were committed again first (which makes them young), so they are not in `stored`.
        let stored = try await storage.addresses(committedBefore: cutoff)
        let named = try await store.attachmentAddresses()
        var orphans = 0
        for address in stored where !named.contains(address.sha256) {
            try await storage.delete(address)
            orphans += 1
        }
        return Outcome(orphans: orphans, abandonedUploads: abandoned)
    }
}
