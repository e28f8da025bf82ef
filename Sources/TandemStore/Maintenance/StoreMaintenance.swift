// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Whole-store operations: export and import (backups, and moving between
/// stores) and retention. Part of ``TandemStore``; the defaults refuse, so a
/// store (or a test double) that does not support them still conforms.
public protocol StoreMaintenance: Sendable {
    /// Calls `sink` with every record, kind by kind in ``StoreRecordKind`` order,
    /// each kind in id order (operations by ticket, then version). `sink` runs on a
    /// store thread, synchronously: it should write the record out and return.
    /// An error it throws stops the export and is rethrown.
    func exportRecords(_ sink: @escaping @Sendable (StoreRecord) throws -> Void) async throws -> StoreExportInfo

    /// Inserts the records `next` returns until it returns `nil`, into an empty store.
    /// Records must come in ``StoreRecordKind`` order. Returns how many of each kind.
    /// - Throws: ``StoreImportError/targetNotEmpty(_:)`` before writing anything when
    ///   the store holds records; a ``StoreError`` or the error `next` throws otherwise,
    ///   after removing what was imported (the store is empty again).
    func importRecords(_ next: @escaping @Sendable () throws -> StoreRecord?) async throws -> [StoreRecordKind: Int]

    /// Deletes what `policy` allows and reports how much.
    func purge(_ policy: RetentionPolicy) async throws -> RetentionReport
}

extension StoreMaintenance {
    public func exportRecords(_ sink: @escaping @Sendable (StoreRecord) throws -> Void) async throws -> StoreExportInfo {
        throw StoreError.unavailable("\(Self.self) cannot export records")
    }

    public func importRecords(_ next: @escaping @Sendable () throws -> StoreRecord?) async throws -> [StoreRecordKind: Int] {
        throw StoreError.unavailable("\(Self.self) cannot import records")
    }

    public func purge(_ policy: RetentionPolicy) async throws -> RetentionReport {
        throw StoreError.unavailable("\(Self.self) has no retention")
    }
}

/// Checks that imported records come in ``StoreRecordKind`` order and counts them.
package struct ImportTally: Sendable {
    package private(set) var counts: [StoreRecordKind: Int] = [:]
    private var current: StoreRecordKind?
    private static let order = Dictionary(uniqueKeysWithValues: StoreRecordKind.allCases.enumerated().map { ($1, $0) })

    package init() {}

    /// Counts `record`.
    /// - Throws: ``StoreImportError/outOfOrder(_:after:)``.
    package mutating func count(_ record: StoreRecord) throws {
        let kind = record.kind
        if let current, Self.order[kind]! < Self.order[current]! {
            throw StoreImportError.outOfOrder(kind, after: current)
        }
        current = kind
        counts[kind, default: 0] += 1
    }
}

/// Carries an error thrown by a caller's closure (an export sink, an import
/// source) through a store's error translation unchanged.
package struct CallerError: Error {
    package let error: any Error

    package init(_ error: any Error) {
        self.error = error
    }

    /// Runs `body`, wrapping what it throws.
    package static func wrap<Result>(_ body: () throws -> Result) throws -> Result {
        do {
            return try body()
        } catch {
            throw CallerError(error)
        }
    }
}
