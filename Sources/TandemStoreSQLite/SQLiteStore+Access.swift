// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemStore

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

    /// Maps any error to a ``StoreError`` (see ``StoreErrorTranslation``) and logs the
    /// ones an operator should see.
    func translate(_ error: any Error, operation: StaticString) -> any Error {
        StoreErrorTranslation.translate(error, operation: operation, logger: logger) { SQLiteErrors.storeError($0) }
    }

    /// A short description of an error for ``StoreError`` payloads.
    static func describe(_ error: any Error) -> String {
        if let error = error as? DatabaseError {
            return SQLiteErrors.describe(error)
        }
        return String(describing: error)
    }
}
