// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// A store write that a job's run produces and that must happen once, however often the
/// job runs.
///
/// A handler does not write these itself: it returns them, and the store commits them with
/// the job's completion (``JobStore/completeJob(_:at:effects:)``). Each effect carries its own
/// idempotency key — the id of the record it creates, derived from the job (see
/// ``JobEffectKey``) — so a second commit of the same effect is a no-op even
/// where completion and effect cannot share a transaction (docs/JOBS.md, "Effects happen once").
public enum JobEffect: Sendable, Hashable {
    /// Inserts notifications; one whose id exists already is skipped.
    case notifications([UserNotification])
}

/// Derives the ids of a job's effects from the job's id: the same job always makes the same
/// ids, different jobs different ones.
public enum JobEffectKey {
    /// The id for the effect named `name` of job `job` (a notification id, for example).
    /// `name` tells several effects of one job apart (`"supervisor:usr_…"`).
    public static func notificationID(job: JobID, name: String) -> NotificationID {
        NotificationID("ntf_\(job.rawValue.dropFirst(4))_\(stableHash(name))")
    }

    /// ``stableHash(_:)``, for tests.
    public static func stableHashForTests(_ text: String) -> String { stableHash(text) }

    /// FNV-1a, 64 bits, in hex: stable across processes and releases (Swift's `Hasher` is seeded per process).
    static func stableHash(_ text: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        let digits = String(hash, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }
}
