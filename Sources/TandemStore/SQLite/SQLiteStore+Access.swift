//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import GRDB

extension SQLiteStore {
    /// Runs `body` in a read-only transaction on a reader connection,
    /// translating every failure into a ``StoreError``.
    func read<T: Sendable>(
        _ operation: StaticString,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.read(body)
        } catch {
            throw translate(error, operation: operation)
        }
    }

    /// Runs `body` in a write transaction on the writer connection (rolled
    /// back if it throws), translating every failure into a ``StoreError``.
    func write<T: Sendable>(
        _ operation: StaticString,
        _ body: @escaping @Sendable (Database) throws -> T
    ) async throws -> T {
        do {
            return try await pool.write(body)
        } catch {
            throw translate(error, operation: operation)
        }
    }

    /// Maps any error to a ``StoreError`` (cancellation passes through) and
    /// logs the ones an operator should see.
    func translate(_ error: any Error, operation: StaticString) -> any Error {
        let translated = SQLiteErrors.translate(error)
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

    /// A short description of an error for ``StoreError`` payloads.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return SQLiteErrors.describe(error)
        }
        return String(describing: error)
    }
}
