// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The kinds of record a store keeps, in export and import order: every
/// record refers only to kinds before it (a team to its member users, an
/// operation to its ticket).
public enum StoreRecordKind: String, Sendable, Hashable, CaseIterable, Codable {
    case users
    case teams
    case sessions
    case tickets
    case ticketOps
    case notifications
}

/// One record of any kind, as domain values: what a backup holds, whatever store wrote it.
public enum StoreRecord: Sendable, Hashable {
    case user(User)
    /// A team with its members, in order.
    case team(Team)
    case session(Session)
    /// A ticket's latest snapshot.
    case ticket(Ticket)
    /// One stored operation of a ticket's op log (including those the snapshot already contains).
    case ticketOp(TicketID, TicketOp)
    case notification(UserNotification)

    public var kind: StoreRecordKind {
        switch self {
        case .user: .users
        case .team: .teams
        case .session: .sessions
        case .ticket: .tickets
        case .ticketOp: .ticketOps
        case .notification: .notifications
        }
    }
}

/// What an export reports about itself.
public struct StoreExportInfo: Sendable, Hashable, Codable {
    /// `sqlite` or `mongodb`.
    public var store: String
    /// How consistent the exported records are with each other, in words.
    public var consistency: String

    public init(store: String, consistency: String) {
        self.store = store
        self.consistency = consistency
    }
}

/// Why an import was refused.
public enum StoreImportError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Imports only go into an empty store; these kinds already hold records.
    case targetNotEmpty([StoreRecordKind: Int])
    /// A record arrived after records of a later kind (the order is ``StoreRecordKind``'s).
    case outOfOrder(StoreRecordKind, after: StoreRecordKind)

    public var description: String {
        switch self {
        case .targetNotEmpty(let counts):
            let held = StoreRecordKind.allCases.compactMap { kind in counts[kind].map { "\($0) \(kind.rawValue)" } }
            return "the target store is not empty (it holds \(held.joined(separator: ", "))); restore into an empty store"
        case .outOfOrder(let kind, let after):
            return "\(kind.rawValue) records arrived after \(after.rawValue) records"
        }
    }
}

/// A record is larger than the store can hold (MongoDB: 16 MiB per document).
/// Nothing was written.
public struct RecordTooLargeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// `ticket`, `ticketOp`, …
    public var kind: String
    public var id: String
    /// The encoded size.
    public var bytes: Int
    /// The largest size the store accepts.
    public var limit: Int

    public init(kind: String, id: String, bytes: Int, limit: Int) {
        self.kind = kind
        self.id = id
        self.bytes = bytes
        self.limit = limit
    }

    public var description: String {
        "\(kind) \(id) is \(bytes) bytes, over the store's limit of \(limit) bytes"
    }
}
