// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import Synchronization
import TandemStore

/// Node-wide group commit of ticket batches: the batches of every ticket that are ready
/// while the writer is busy are written together, in one transaction and one WAL sync.
///
/// Invariants:
/// - A caller is resumed only after the transaction holding its batch committed (durable:
///   the writer runs with `synchronous = FULL`), or with the error that kept it out.
/// - Batches are written in arrival order, each in its own savepoint when the transaction
///   holds several: a batch refused by its own checks or constraints (a version conflict,
///   a missing ticket, corrupt data) is rolled back alone and fails with its own error; the
///   other batches of the transaction are written.
/// - A failure of the transaction itself (it cannot begin, an I/O error, the disk is full,
///   the commit fails) fails every batch in it that had not already failed on its own, with
///   that error; none of them is written.
/// - At most one group write is queued on the writer connection at a time; batches that
///   arrive meanwhile wait for the next one. Other writes (users, sessions, …) take turns
///   with group writes on GRDB's writer queue.
/// - Once queued, a batch is written even if its caller is cancelled: the caller always
///   learns whether its batch is durable.
///
/// Callers keep one batch in flight per ticket (the ticket actor's own group commit), so
/// per-ticket order is the callers' order.
final class SQLiteGroupCommit: Sendable {
    /// What the group commit has done so far, for tests and diagnostics.
    struct Statistics: Sendable, Hashable {
        /// Ticket batches written (or refused) so far.
        var batches = 0
        /// Write transactions those batches took.
        var transactions = 0
    }

    private struct Waiting {
        var batch: SQLiteTicketCommit
        var continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var waiting: [Waiting] = []
        /// Whether a group write is queued on the writer or running.
        var scheduled = false
        var statistics = Statistics()
    }

    private let pool: DatabasePool
    private let state = Mutex(State())

    init(pool: DatabasePool) {
        self.pool = pool
    }

    /// Writes `batch` together with whatever else is ready, and returns once it is durable.
    /// - Throws: the batch's own error (see the type's invariants), untranslated.
    func write(_ batch: SQLiteTicketCommit) async throws {
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let schedule = state.withLock { state in
                state.waiting.append(Waiting(batch: batch, continuation: continuation))
                guard !state.scheduled else { return false }
                state.scheduled = true
                return true
            }
            if schedule { scheduleGroupWrite() }
        }
    }

    /// Batches waiting for the next group write.
    var waitingCount: Int { state.withLock { $0.waiting.count } }

    var statistics: Statistics { state.withLock { $0.statistics } }

    private func scheduleGroupWrite() {
        pool.asyncWriteWithoutTransaction { [self] db in groupWrite(db) }
    }

    /// Runs on the writer connection: takes every waiting batch, writes them in one
    /// transaction, resumes their callers, and queues the next group write if more came.
    private func groupWrite(_ db: Database) {
        let group = state.withLock { state in
            let group = state.waiting
            state.waiting = []
            return group
        }
        var outcomes = [(any Error)?](repeating: nil, count: group.count)
        do {
            try db.inTransaction(.immediate) {
                if group.count == 1 {
                    try group[0].batch.write(in: db)
                    return .commit
                }
                for (index, waiting) in group.enumerated() {
                    do {
                        try db.inSavepoint {
                            try waiting.batch.write(in: db)
                            return .commit
                        }
                    } catch let error where Self.isOwnFailure(error) {
                        outcomes[index] = error
                    }
                }
                return .commit
            }
        } catch {
            for index in outcomes.indices where outcomes[index] == nil { outcomes[index] = error }
        }
        let more = state.withLock { state in
            state.statistics.batches += group.count
            state.statistics.transactions += 1
            if state.waiting.isEmpty { state.scheduled = false }
            return state.scheduled
        }
        if more { scheduleGroupWrite() }
        for (waiting, outcome) in zip(group, outcomes) {
            if let outcome {
                waiting.continuation.resume(throwing: outcome)
            } else {
                waiting.continuation.resume()
            }
        }
    }

    /// Whether `error` concerns only the batch that raised it (its checks, its data), rather
    /// than the transaction (busy, I/O, full disk, closed connection: everything fails).
    private static func isOwnFailure(_ error: any Error) -> Bool {
        let translated = (error as? StoreError) ?? SQLiteErrors.storeError(error)
        if case .unavailable? = translated { return false }
        // Encoding errors and constraint refusals are the batch's own.
        return true
    }
}
