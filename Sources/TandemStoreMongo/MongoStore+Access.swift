// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemMongo
import TandemStore

extension MongoStore {
    /// Runs `body`, translating every failure into a ``StoreError`` (``RecordTooLargeError``,
    /// ``StoreImportError`` and cancellation pass through) and logging what an operator should see.
    @discardableResult
    func perform<Result: Sendable>(
        _ operation: StaticString, _ body: () async throws -> Result
    ) async throws -> Result {
        do {
            return try await body()
        } catch {
            throw translate(error, operation: operation)
        }
    }

    /// Maps any error to a ``StoreError`` (see ``StoreErrorTranslation``) and logs the
    /// ones an operator should see.
    func translate(_ error: any Error, operation: StaticString) -> any Error {
        StoreErrorTranslation.translate(error, operation: operation, logger: logger) { error in
            guard let error = error as? MongoError else { return nil }
            return error.kind == .cancelled ? CancellationError() : Self.storeError(error)
        }
    }

    /// The ``StoreError`` for a driver error that the call site did not handle itself.
    static func storeError(_ error: MongoError) -> StoreError {
        switch error.kind {
        case .bson:
            .corrupt("MongoDB returned a document that does not decode: \(error.message)")
        case .duplicateKey:
            .duplicate(kind: "unknown", field: error.message)
        default:
            .unavailable("MongoDB \(error.kind.rawValue): \(error.message)")
        }
    }

    /// Checks `document` against MongoDB's 16 MiB limit (by arithmetic, without encoding it).
    /// - Throws: ``RecordTooLargeError``.
    static func checkSize(_ document: BSONDocument, kind: String, id: String) throws {
        let bytes = document.encodedSize
        guard bytes <= MongoSchema.maximumDocumentBytes else {
            throw RecordTooLargeError(kind: kind, id: id, bytes: bytes, limit: MongoSchema.maximumDocumentBytes)
        }
    }
}

/// Whether `error` is the driver reporting a unique index violation.
func isDuplicateKey(_ error: any Error) -> Bool {
    (error as? MongoError)?.kind == .duplicateKey
}
