// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemStore

/// Translates GRDB and SQLite errors into ``StoreError``.
enum SQLiteErrors {
    /// The ``StoreError`` for an error of GRDB or SQLite; `nil` for any other error
    /// (``StoreErrorTranslation`` handles those the same way for every store).
    static func storeError(_ error: any Error) -> StoreError? {
        switch error {
        case let error as DatabaseError:
            return translate(error)
        case is RowDecodingError:
            return StoreError.corrupt(String(describing: error))
        default:
            return nil
        }
    }

    static func translate(_ error: DatabaseError) -> StoreError {
        switch error.extendedResultCode {
        case .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY:
            return uniqueViolation(error)
        case .SQLITE_CONSTRAINT_FOREIGNKEY:
            // Call sites that insert references catch this first and name the
            // missing record; this is the fallback.
            return .notFound(kind: "reference", id: "")
        default:
            break
        }
        switch error.resultCode {
        case .SQLITE_CORRUPT, .SQLITE_NOTADB, .SQLITE_FORMAT, .SQLITE_MISMATCH, .SQLITE_CONSTRAINT:
            // A CHECK or NOT NULL refusal means the schema and the domain disagree.
            return .corrupt(describe(error))
        default:
            // BUSY, LOCKED, IOERR, FULL, CANTOPEN, READONLY, NOMEM, INTERRUPT,
            // MISUSE (closed connection), ERROR (for example an unmigrated schema).
            return .unavailable(describe(error))
        }
    }

    /// `UNIQUE constraint failed: users.email` → `duplicate(kind: "user", field: "email")`.
    static func uniqueViolation(_ error: DatabaseError) -> StoreError {
        let message = error.message ?? ""
        let columns: Substring
        if let range = message.range(of: "failed: ") {
            columns = message[range.upperBound...]
        } else {
            columns = ""
        }
        switch columns {
        case "users.id": return .duplicate(kind: "user", field: "id")
        case "users.email": return .duplicate(kind: "user", field: "email")
        case "teams.id": return .duplicate(kind: "team", field: "id")
        case "teams.name": return .duplicate(kind: "team", field: "name")
        case "team_members.team_id, team_members.user_id": return .duplicate(kind: "teamMember", field: "userID")
        case "sessions.id": return .duplicate(kind: "session", field: "id")
        case "tickets.id": return .duplicate(kind: "ticket", field: "id")
        case "tickets.number": return .duplicate(kind: "ticket", field: "number")
        case "notifications.id": return .duplicate(kind: "notification", field: "id")
        default: return .duplicate(kind: "unknown", field: String(columns))
        }
    }

    /// Whether `error` is SQLite refusing a foreign key.
    static func isForeignKeyViolation(_ error: any Error) -> Bool {
        (error as? DatabaseError)?.extendedResultCode == .SQLITE_CONSTRAINT_FOREIGNKEY
    }

    /// The SQLite code and message, without the statement's arguments.
    static func describe(_ error: DatabaseError) -> String {
        "SQLite error \(error.extendedResultCode.rawValue): \(error.message ?? "no message")"
    }
}
