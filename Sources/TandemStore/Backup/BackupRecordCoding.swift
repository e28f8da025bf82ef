// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore

/// Records as JSON lines, and back.
enum BackupRecordCoding {
    /// A `ticketOps` line.
    struct TicketOpLine: Codable {
        var ticket: TicketID
        var op: TicketOp
    }

    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// The record's JSON (no newline; JSON escapes every newline inside strings).
    static func encode(_ record: StoreRecord, with encoder: JSONEncoder) throws -> Data {
        switch record {
        case .user(let user): try encoder.encode(user)
        case .team(let team): try encoder.encode(team)
        case .session(let session): try encoder.encode(session)
        case .ticket(let ticket): try encoder.encode(ticket)
        case .ticketOp(let ticket, let op): try encoder.encode(TicketOpLine(ticket: ticket, op: op))
        case .notification(let notification): try encoder.encode(notification)
        }
    }

    static func decode(_ kind: StoreRecordKind, _ line: Data, with decoder: JSONDecoder) throws -> StoreRecord {
        switch kind {
        case .users: .user(try decoder.decode(User.self, from: line))
        case .teams: .team(try decoder.decode(Team.self, from: line))
        case .sessions: .session(try decoder.decode(Session.self, from: line))
        case .tickets: .ticket(try decoder.decode(Ticket.self, from: line))
        case .ticketOps:
            try {
                let line = try decoder.decode(TicketOpLine.self, from: line)
                return .ticketOp(line.ticket, line.op)
            }()
        case .notifications: .notification(try decoder.decode(UserNotification.self, from: line))
        }
    }
}
