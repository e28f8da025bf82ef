// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Dispatch
import GRDB
import Synchronization
import TandemCore
import TandemStore
@testable import TandemStoreSQLite
import TandemTestSupport
import Testing

/// The node-wide group commit of the SQLite store: batches of different tickets that are
/// ready while the writer is busy share one transaction; a batch refused on its own fails
/// alone; a transaction that fails fails every batch in it.
@Suite("SQLite group commit")
struct SQLiteGroupCommitTests {
    /// Twenty tickets commit while the writer is busy: all twenty batches (half of them with
    /// a snapshot) go to the database in one transaction, and every one is durable.
    @Test func concurrentCommitsOfManyTicketsShareOneTransaction() async throws {
        let store = try SQLiteStore.temporary(logger: SQLiteStoreTests.logger)
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        var tickets: [Ticket] = []
        var ops: [TicketOp] = []
        for index in 0..<20 {
            let ticket = fixtures.ticket(subject: "Ticket \(index)", requester: ada.id)
            try await store.createTicket(ticket)
            tickets.append(ticket)
            ops.append(fixtures.op(.text(.internalNotes, .inserting("note \(index)", at: 0)), version: 1, author: ada.id))
        }
        let writer = WriterHold(store)
        try await writer.hold()
        let before = store.groupCommit.statistics

        var commits: [Task<Void, any Error>] = []
        for index in 0..<20 {
            let snapshot: Ticket? = try index.isMultiple(of: 2) ? tickets[index].applying([ops[index]]) : nil
            let (id, op) = (tickets[index].id, ops[index])
            commits.append(Task { try await store.commit(ticket: id, ops: [op], snapshot: snapshot) })
        }
        #expect(await waitUntil { store.groupCommit.waitingCount == 20 })
        // Nothing is durable (nor reported so) while the writer is held.
        #expect(try await store.loadTicket(id: tickets[0].id)?.ops == [])
        writer.release()
        for commit in commits { try await commit.value }

        let after = store.groupCommit.statistics
        #expect(after.batches - before.batches == 20)
        #expect(after.transactions - before.transactions == 1)
        for index in 0..<20 {
            let loaded = try #require(try await store.loadTicket(id: tickets[index].id))
            if index.isMultiple(of: 2) {
                #expect(loaded.snapshot == (try tickets[index].applying([ops[index]])))
                #expect(loaded.ops == [])
            } else {
                #expect(loaded.snapshot == tickets[index])
                #expect(loaded.ops == [ops[index]])
            }
        }
        try await store.close()
    }

    /// In one transaction: a batch whose version is taken and a batch for a missing ticket
    /// fail with their own typed errors and write nothing; the others (two consecutive
    /// batches of one ticket among them) are written, in order.
    @Test func aRefusedBatchFailsAloneAndTheOthersAreWritten() async throws {
        let store = try SQLiteStore.temporary(logger: SQLiteStoreTests.logger)
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let taken = fixtures.ticket(subject: "Taken", requester: ada.id)
        let busy = fixtures.ticket(subject: "Busy", requester: ada.id)
        let plain = fixtures.ticket(subject: "Plain", requester: ada.id)
        for ticket in [taken, busy, plain] { try await store.createTicket(ticket) }
        let first = fixtures.op(.subject("First"), version: 1, author: ada.id)
        try await store.commit(ticket: taken.id, ops: [first], snapshot: nil)

        let writer = WriterHold(store)
        try await writer.hold()
        let before = store.groupCommit.statistics
        let clash = fixtures.op(.subject("Clash"), version: 1, author: ada.id)
        let busyOne = fixtures.op(.priority(.high), version: 1, author: ada.id)
        let busyTwo = fixtures.op(.priority(.low), version: 2, author: ada.id)
        let plainOne = fixtures.op(.status(.open), version: 1, author: ada.id)
        let stray = fixtures.op(.status(.open), version: 1, author: ada.id)
        func commit(_ id: TicketID, _ ops: [TicketOp], snapshot: Ticket? = nil) -> Task<Void, any Error> {
            Task { try await store.commit(ticket: id, ops: ops, snapshot: snapshot) }
        }
        // Queued one after the other, so that the transaction writes them in this order.
        var commits: [Task<Void, any Error>] = []
        for (id, ops) in [
            (taken.id, [clash]), (busy.id, [busyOne]), (TicketID("tkt_missing"), [stray]), (busy.id, [busyTwo]),
        ] {
            commits.append(commit(id, ops))
            let count = commits.count
            #expect(await waitUntil { store.groupCommit.waitingCount == count })
        }
        commits.append(commit(plain.id, [plainOne], snapshot: try plain.applying([plainOne])))
        #expect(await waitUntil { store.groupCommit.waitingCount == 5 })
        writer.release()

        await #expect(throws: StoreError.versionConflict(kind: "ticket", id: taken.id.rawValue, version: 1)) {
            try await commits[0].value
        }
        try await commits[1].value
        await #expect(throws: StoreError.notFound(kind: "ticket", id: "tkt_missing")) { try await commits[2].value }
        try await commits[3].value
        try await commits[4].value
        let after = store.groupCommit.statistics
        #expect(after.transactions - before.transactions == 1)
        #expect(after.batches - before.batches == 5)

        #expect(try await store.loadTicket(id: taken.id)?.ops == [first])
        #expect(try await store.loadTicket(id: busy.id)?.ops == [busyOne, busyTwo])
        #expect(try await store.loadTicket(id: plain.id)?.snapshot == (try plain.applying([plainOne])))
        #expect(try await store.loadTicket(id: TicketID("tkt_missing")) == nil)
        try await store.close()
    }

    /// A transaction that cannot be written (another process holds the database's write lock
    /// past the busy timeout) fails every batch in it with `unavailable`, and writes none of
    /// them; the next commit, once the lock is gone, goes through.
    @Test func aFailedTransactionFailsEveryBatchInIt() async throws {
        let directory = try TemporaryDirectory()
        let path = directory.path + "/tandem.sqlite"
        let store = try SQLiteStore(
            path: path, configuration: SQLiteStore.Configuration(busyTimeout: .milliseconds(200)),
            logger: SQLiteStoreTests.logger)
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let one = fixtures.ticket(subject: "One", requester: ada.id)
        let two = fixtures.ticket(subject: "Two", requester: ada.id)
        for ticket in [one, two] { try await store.createTicket(ticket) }

        let writer = WriterHold(store)
        try await writer.hold()
        // Another connection (as another process would) takes the write lock and keeps it.
        let other = try DatabaseQueue(path: path)
        let lock = BlockingGate()
        other.asyncWriteWithoutTransaction { db in
            guard (try? db.execute(sql: "BEGIN IMMEDIATE")) != nil else { return }
            lock.enter()
            try? db.execute(sql: "ROLLBACK")
        }
        #expect(await waitUntil { lock.isHeld })
        let opOne = fixtures.op(.priority(.high), version: 1, author: ada.id)
        let opTwo = fixtures.op(.priority(.low), version: 1, author: ada.id)
        let commits = [(one.id, opOne), (two.id, opTwo)].map { id, op in
            Task { try await store.commit(ticket: id, ops: [op], snapshot: nil) }
        }
        #expect(await waitUntil { store.groupCommit.waitingCount == 2 })
        writer.release()
        for commit in commits {
            let error = await #expect(throws: StoreError.self) { try await commit.value }
            #expect(error.map { if case .unavailable = $0 { true } else { false } } == true, "\(String(describing: error))")
        }
        lock.release()
        try other.close()

        #expect(try await store.loadTicket(id: one.id)?.ops == [])
        #expect(try await store.loadTicket(id: two.id)?.ops == [])
        try await store.commit(ticket: one.id, ops: [opOne], snapshot: nil)
        #expect(try await store.loadTicket(id: one.id)?.ops == [opOne])
        try await store.close()
    }
}

/// Keeps the store's writer connection busy until released, so that commits queue up.
private final class WriterHold: Sendable {
    let store: SQLiteStore
    let gate = BlockingGate()

    init(_ store: SQLiteStore) { self.store = store }

    /// Returns once the writer is held.
    func hold() async throws {
        let gate = self.gate
        store.pool.asyncWriteWithoutTransaction { _ in gate.enter() }
        try #require(await waitUntil { gate.isHeld })
    }

    func release() { gate.release() }
}

/// A thread parks in ``enter()`` until ``release()``.
private final class BlockingGate: Sendable {
    private let semaphore = DispatchSemaphore(value: 0)
    private let held = Atomic<Bool>(false)

    var isHeld: Bool { held.load(ordering: .acquiring) }

    func enter() {
        held.store(true, ordering: .releasing)
        semaphore.wait()
    }

    func release() { semaphore.signal() }
}
