// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The contract of ``TicketStore/commit(ticket:ops:snapshot:)``, checked the same way by
/// every store: the operations continue the log exactly (`head + 1, head + 2, …`), and a
/// snapshot is of this ticket, at a version between the stored snapshot's and the new head.
///
/// Each store reads the stored snapshot's version and the log's head in its own way
/// (inside its transaction), then asks ``check(storedVersion:lastOpVersion:)`` before
/// writing anything.
package struct TicketCommit: Sendable {
    package let ticket: TicketID
    package let ops: [TicketOp]
    package let snapshot: Ticket?

    /// Traps when `snapshot` is of another ticket: that is a programming error of the
    /// caller, not a condition of the data.
    package init(ticket: TicketID, ops: [TicketOp], snapshot: Ticket?) {
        if let snapshot {
            precondition(snapshot.id == ticket, "commit(ticket: \(ticket)) given a snapshot of \(snapshot.id)")
        }
        self.ticket = ticket
        self.ops = ops
        self.snapshot = snapshot
    }

    /// Whether there is nothing to write (no operation and no snapshot).
    package var isEmpty: Bool { ops.isEmpty && snapshot == nil }

    /// Checks the batch against what is stored: `storedVersion` is the stored snapshot's
    /// version, `lastOpVersion` the highest stored operation's (0 when there is none).
    /// - Throws: ``StoreError/versionConflict(kind:id:version:)`` (kind `ticket`) naming the
    ///   first version that does not fit.
    package func check(storedVersion: Int64, lastOpVersion: Int64) throws(StoreError) {
        let head = max(storedVersion, lastOpVersion)
        for (offset, op) in ops.enumerated() where op.version != head + 1 + Int64(offset) {
            throw conflict(at: op.version)
        }
        if let snapshot, !(storedVersion...head + Int64(ops.count)).contains(snapshot.version) {
            throw conflict(at: snapshot.version)
        }
    }

    /// The error for `version` taken by another writer (the `(ticket, version)` fence).
    package func conflict(at version: Int64) -> StoreError {
        .versionConflict(kind: "ticket", id: ticket.rawValue, version: version)
    }
}
