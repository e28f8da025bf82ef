// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemCore

/// Submits changes to one ticket over a connection, one at a time, waiting for each
/// answer (`ack` or `error`, matched by sequence number) and tracking the version.
final class TicketWriter: Sendable {
    let client: LiveTestClient
    let ticket: String
    let clientID: String
    private let state: Mutex<(version: Int64, seq: Int64)>

    init(_ client: LiveTestClient, ticket: String, version: Int64, clientID: String? = nil) {
        self.client = client
        self.ticket = ticket
        self.clientID = clientID ?? "\(client.name)-\(UInt32.random(in: 0...UInt32.max))"
        self.state = Mutex((version, 0))
    }

    var topic: String { "ticket:\(ticket)" }
    var version: Int64 { state.withLock { $0.version } }

    /// Another writer moved the ticket: continue from `version`.
    func moved(to version: Int64) { state.withLock { $0.version = version } }

    /// Sends `op` (a ``TicketChange`` in wire form) or `comment` on the current version and
    /// returns the answer: an `ack` (the version moves on) or an `error`.
    @discardableResult
    func submit(
        op: [String: Any]? = nil, comment: [String: Any]? = nil, version: Int64? = nil, timeout: Duration = .seconds(5)
    ) async throws -> ServerMessage {
        let (base, seq) = state.withLock { state in
            state.seq += 1
            return (version ?? state.version, state.seq)
        }
        var frame: [String: Any] = ["type": "op", "topic": topic, "client": clientID, "seq": seq, "v": base]
        if let op { frame["op"] = op }
        if let comment { frame["comment"] = comment }
        try await client.send(frame)
        let answer = try await client.inbox.next("answer to seq \(seq)", timeout: timeout) { message in
            message.json["seq"]?.int == seq
                && ((message.type == "ack" && message.json["client"]?.string == clientID) || message.type == "error")
        }
        if answer.type == "ack", let acked = answer.json["v"]?.int {
            state.withLock { $0.version = max($0.version, acked) }
        }
        return answer
    }

    /// Submits a text operation (`components` in wire form, e.g. `[3, "hi", ["d": 2]]`).
    @discardableResult
    func text(_ field: TextField, _ components: [Any], version: Int64? = nil) async throws -> ServerMessage {
        try await submit(op: ["kind": "text", "field": field.rawValue, "op": components], version: version)
    }

    /// Submits `{"kind":"set","field":…,"value":…}`.
    @discardableResult
    func set(_ field: String, _ value: Any) async throws -> ServerMessage {
        try await submit(op: ["kind": "set", "field": field, "value": value])
    }

    /// Posts a comment.
    @discardableResult
    func comment(_ body: String, visibility: String) async throws -> ServerMessage {
        try await submit(comment: ["body": body, "visibility": visibility, "mentions": [String](), "fromDraft": false])
    }
}

extension LiveServer {
    /// `person` connected and subscribed to `ticket`, with a writer at the subscription's version.
    func writer(_ person: Person, ticket: String) async throws -> (socket: LiveTestClient, writer: TicketWriter) {
        let socket = try await connect(person)
        let snapshot = try await socket.subscribe("ticket:\(ticket)")
        return (socket, TicketWriter(socket, ticket: ticket, version: snapshot.json["v"]?.int ?? 0))
    }
}
