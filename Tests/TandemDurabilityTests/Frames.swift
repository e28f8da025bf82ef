// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore

/// A server frame, with the fields these tests read (docs/PROTOCOL.md has them all).
struct ServerFrame: Decodable, Sendable {
    /// An operation as broadcast or replayed: its version, change and submitter.
    struct Op: Decodable, Sendable {
        var version: Int64
        var change: TicketChange
        var client: String?
        var seq: Int64?
    }

    struct Snapshot: Decodable, Sendable {
        var version: Int64
        var replyDraft: String?
    }

    /// Someone's presence on a ticket (staff view).
    struct Presence: Decodable, Sendable {
        var user: String?
        var name: String?
        var connection: String?
    }

    /// A queue update: the ticket it upserts, if any.
    struct QueueUpdate: Decodable, Sendable {
        struct Summary: Decodable, Sendable {
            var id: String
        }
        var upsert: Summary?
    }

    enum PresenceField: Decodable, Sendable {
        case one(Presence)
        case many([Presence])

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let list = try? container.decode([Presence].self) {
                self = .many(list)
            } else {
                self = .one(try container.decode(Presence.self))
            }
        }
    }

    private enum CodingKeys: String, CodingKey {
        case type, topic, ref, v, client, seq, code, message, reason, op, ops, ticket, connection, update
        case presenceField = "presence"
    }

    var type: String
    var topic: String?
    /// The `ref` of the message this frame answers.
    var ref: String?
    var v: Int64?
    var client: String?
    var seq: Int64?
    var code: String?
    var message: String?
    var reason: String?
    var op: Op?
    var ops: [Op]?
    var ticket: Snapshot?
    /// `presence` frames carry one value, `snapshot`/`ops` replies a list: both are kept.
    var presenceField: PresenceField?
    var presence: Presence? {
        if case .one(let value)? = presenceField { return value }
        return nil
    }
    /// `presence_left`: the connection whose presence ended.
    var connection: String?
    var update: QueueUpdate?

    init(decoding text: String) throws {
        self = try JSONDecoder().decode(Self.self, from: Data(text.utf8))
    }
}

/// Client frames, encoded as the protocol expects.
enum ClientFrame {
    private struct Subscribe: Encodable {
        var type = "subscribe"
        var topic: String
        var v: Int64?
        var ref: String?
    }

    private struct Op: Encodable {
        var type = "op"
        var topic: String
        var client: String
        var seq: Int64
        var v: Int64
        var op: TicketChange
    }

    private struct Presence: Encodable {
        var type = "presence"
        var topic: String
        var state: String
    }

    /// Appear on a ticket (subscribing alone does not make a presence).
    static func presence(_ topic: String, state: String = "viewing") -> String {
        encode(Presence(topic: topic, state: state))
    }

    static func subscribe(_ topic: String, from version: Int64? = nil, ref: String? = nil) -> String {
        encode(Subscribe(topic: topic, v: version, ref: ref))
    }

    /// An edit of the reply draft made on `version`.
    static func draftEdit(
        _ topic: String, client: String, seq: Int64, version: Int64, _ operation: TextOperation
    )
        -> String
    {
        encode(Op(topic: topic, client: client, seq: seq, v: version, op: .text(.replyDraft, operation)))
    }

    private static func encode(_ value: some Encodable) -> String {
        // Plain structs of strings, integers and a TicketChange: encoding cannot fail.
        String(decoding: (try? JSONEncoder().encode(value)) ?? Data(), as: UTF8.self)
    }
}

extension TextOperation {
    /// Inserts `text` at scalar offset `position` of a document.
    static func inserting(_ text: String, at position: Int) -> TextOperation {
        var operation = TextOperation()
        if position > 0 { operation.retain(position) }
        operation.insert(text)
        return operation
    }
}
