// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemStore
import TandemTestSupport
import Testing

/// What every store shares, checked once without a database: the commit contract and the
/// error translation. (The conformance suite checks that both stores apply them.)
@Suite("Shared store logic") struct SharedStoreLogicTests {
    // MARK: TicketCommit

    static func batch(_ versions: [Int64], snapshotAt snapshotVersion: Int64? = nil) -> TicketCommit {
        var fixtures = Fixtures()
        let requester: UserID = fixtures.tick("usr")
        var ticket = fixtures.ticket(requester: requester)
        let ops = versions.map { fixtures.op(.subject("v\($0)"), version: $0, author: requester) }
        ticket.version = snapshotVersion ?? 0
        return TicketCommit(ticket: ticket.id, ops: ops, snapshot: snapshotVersion.map { _ in ticket })
    }

    @Test func operationsMustContinueTheLogExactly() throws {
        try Self.batch([6, 7]).check(storedVersion: 5, lastOpVersion: 3)
        try Self.batch([4, 5]).check(storedVersion: 2, lastOpVersion: 3)
        #expect(throws: StoreError.versionConflict(kind: "ticket", id: Self.batch([]).ticket.rawValue, version: 5)) {
            try Self.batch([5, 6]).check(storedVersion: 2, lastOpVersion: 3)
        }
        // A gap inside the batch names its first wrong version.
        #expect(throws: StoreError.versionConflict(kind: "ticket", id: Self.batch([]).ticket.rawValue, version: 6)) {
            try Self.batch([4, 6]).check(storedVersion: 2, lastOpVersion: 3)
        }
    }

    @Test func aSnapshotLiesBetweenTheStoredOneAndTheNewHead() throws {
        try Self.batch([4, 5], snapshotAt: 5).check(storedVersion: 2, lastOpVersion: 3)
        try Self.batch([], snapshotAt: 3).check(storedVersion: 2, lastOpVersion: 3)
        let id = Self.batch([]).ticket.rawValue
        #expect(throws: StoreError.versionConflict(kind: "ticket", id: id, version: 6)) {
            try Self.batch([4, 5], snapshotAt: 6).check(storedVersion: 2, lastOpVersion: 3)
        }
        #expect(throws: StoreError.versionConflict(kind: "ticket", id: id, version: 1)) {
            try Self.batch([], snapshotAt: 1).check(storedVersion: 2, lastOpVersion: 3)
        }
    }

    @Test func nothingToWriteIsEmpty() {
        #expect(Self.batch([]).isEmpty)
        #expect(!Self.batch([1]).isEmpty)
        #expect(!Self.batch([], snapshotAt: 0).isEmpty)
    }

    // MARK: StoreErrorTranslation

    struct DriverError: Error {}
    struct OtherError: Error {}

    static func translate(_ error: any Error, logs: LogRecorder = LogRecorder()) -> any Error {
        let logger = Logger(label: "store.test") { _ in logs.handler() }
        return StoreErrorTranslation.translate(error, operation: "test", logger: logger) { error in
            error is DriverError ? StoreError.duplicate(kind: "user", field: "email") : nil
        }
    }

    @Test func whatCallersHandlePassesThrough() {
        #expect(Self.translate(StoreError.notFound(kind: "user", id: "u1")) as? StoreError == .notFound(kind: "user", id: "u1"))
        #expect(Self.translate(CancellationError()) is CancellationError)
        #expect(Self.translate(StoreImportError.targetNotEmpty([:])) is StoreImportError)
        let tooLarge = RecordTooLargeError(kind: "ticket", id: "t1", bytes: 20, limit: 10)
        #expect(Self.translate(tooLarge) as? RecordTooLargeError == tooLarge)
        #expect(Self.translate(CallerError(OtherError())) is OtherError)
    }

    @Test func driverErrorsAreTheStoresOwnAndTheRestIsUnavailable() {
        #expect(Self.translate(DriverError()) as? StoreError == .duplicate(kind: "user", field: "email"))
        let logs = LogRecorder()
        guard case StoreError.unavailable = Self.translate(OtherError(), logs: logs) else {
            Issue.record("an unknown error is unavailable")
            return
        }
        #expect(logs.all.count == 1 && logs.all[0].hasPrefix("error database unavailable operation=test"), "\(logs.all)")
    }

    /// Both stores: stored data that does not decode is corrupt (MongoDB used to report it
    /// as unavailable, which an operator would retry instead of repairing).
    @Test func undecodableDataIsCorruptAndLoggedAsCritical() {
        let logs = LogRecorder()
        let error = DecodingError.dataCorrupted(.init(codingPath: [], debugDescription: "not a ticket"))
        guard case StoreError.corrupt = Self.translate(error, logs: logs) else {
            Issue.record("a DecodingError is corrupt data")
            return
        }
        #expect(logs.all.count == 1 && logs.all[0].hasPrefix("critical stored data is corrupt operation=test"), "\(logs.all)")
    }
}
