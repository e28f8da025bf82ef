//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

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

    func translate(_ error: any Error, operation: StaticString) -> any Error {
        let translated: any Error
        switch error {
        case is StoreError, is RecordTooLargeError, is StoreImportError, is CancellationError:
            translated = error
        case let error as MongoError where error.kind == .cancelled:
            translated = CancellationError()
        case let error as MongoError:
            translated = Self.storeError(error)
        case let error as CallerError:
            translated = error.error
        default:
            translated = StoreError.unavailable(String(describing: error))
        }
        switch translated {
        case StoreError.unavailable(let reason):
            logger.error("database unavailable", metadata: ["operation": "\(operation)", "reason": "\(reason)"])
        case StoreError.corrupt(let reason):
            logger.critical("stored data is corrupt", metadata: ["operation": "\(operation)", "reason": "\(reason)"])
        default:
            break
        }
        return translated
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
