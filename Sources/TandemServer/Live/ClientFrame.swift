// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemActors
import TandemCore

/// A message from a client, decoded and checked. See docs/PROTOCOL.md.
enum ClientFrame: Sendable {
    case auth(token: String)
    case subscribe(topic: Topic, version: Int64?)
    case unsubscribe(topic: Topic)
    case op(topic: Topic, client: String, seq: Int64, version: Int64, request: ChangeRequest)
    case presence(topic: Topic, state: Presence.State, field: TextField?, selection: TextSelection?, version: Int64?)
    case ping

    /// Decodes one text frame; every failure is a ``ProtocolError`` naming what is wrong.
    static func decode(_ text: String) throws(ProtocolError) -> (ClientFrame, ref: String?) {
        let data = Data(text.utf8)
        let envelope: Envelope
        do {
            envelope = try decoder.decode(Envelope.self, from: data)
        } catch {
            throw Self.explain(data)
        }
        if let ref = envelope.ref, ref.utf8.count > FieldLimits.refBytes || FieldLimits.hasControlCharacter(ref) {
            throw ProtocolError(
                .invalidMessage, "ref must be at most \(FieldLimits.refBytes) bytes, without control characters.")
        }
        let ref = envelope.ref
        func require<T>(_ value: T?, _ field: String) throws(ProtocolError) -> T {
            guard let value else { throw ProtocolError(.invalidMessage, "\(field) is required.", ref: ref) }
            return value
        }
        func topic() throws(ProtocolError) -> Topic {
            try Topic(parsing: try require(envelope.topic, "topic"), ref: ref)
        }
        guard let kind = Kind(rawValue: envelope.type) else {
            throw ProtocolError(.unknownType, "Unknown message type \"\(envelope.type)\".", ref: ref)
        }
        switch kind {
        case .auth:
            let token = try require(envelope.token, "token")
            guard token.utf8.count <= FieldLimits.tokenBytes else {
                throw ProtocolError(.invalidMessage, "token must be at most \(FieldLimits.tokenBytes) bytes.", ref: ref)
            }
            return (.auth(token: token), ref)
        case .subscribe:
            return (.subscribe(topic: try topic(), version: envelope.v), ref)
        case .unsubscribe:
            return (.unsubscribe(topic: try topic()), ref)
        case .op:
            let client = try require(envelope.client, "client")
            guard !client.isEmpty, client.utf8.count <= FieldLimits.clientBytes, !FieldLimits.hasControlCharacter(client) else {
                throw ProtocolError(
                    .invalidMessage, "client must be 1 to \(FieldLimits.clientBytes) bytes, without control characters.",
                    ref: ref)
            }
            let seq = try require(envelope.seq, "seq")
            let version = try require(envelope.v, "v")
            guard seq >= 0, version >= 0 else {
                throw ProtocolError(.invalidMessage, "seq and v must not be negative.", ref: ref)
            }
            let request: ChangeRequest
            switch (envelope.op, envelope.comment) {
            case (let change?, nil): request = .change(change)
            case (nil, let comment?): request = .comment(comment)
            default: throw ProtocolError(.invalidMessage, "An op frame carries exactly one of op or comment.", ref: ref)
            }
            return (.op(topic: try topic(), client: client, seq: seq, version: version, request: request), ref)
        case .presence:
            return (
                .presence(
                    topic: try topic(), state: try require(envelope.state, "state"), field: envelope.field,
                    selection: envelope.selection, version: envelope.v), ref
            )
        case .ping:
            return (.ping, ref)
        }
    }

    /// The `type` of every message a client may send (docs/PROTOCOL.md §3.2); ProtocolContractTests
    /// holds this list against the document and the web client.
    enum Kind: String, CaseIterable {
        case auth, subscribe, unsubscribe, op, presence, ping
    }

    /// Every field any client frame may carry; unknown fields are ignored.
    private struct Envelope: Decodable {
        var type: String
        var ref: String?
        var token: String?
        var topic: String?
        var v: Int64?
        var client: String?
        var seq: Int64?
        var op: TicketChange?
        var comment: CommentRequest?
        var state: Presence.State?
        var field: TextField?
        var selection: TextSelection?
    }

    /// Frames are decoded in one pass; only a frame that fails is parsed again, to say why.
    private static let decoder = JSONDecoder()

    /// The error for a frame that did not decode as an ``Envelope``: `invalid_json` when it is
    /// not JSON, else `invalid_message` echoing the `ref`, `topic` and `seq` that could be read.
    private static func explain(_ data: Data) -> ProtocolError {
        let object: [String: Any]
        do {
            guard let dictionary = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
                return ProtocolError(.invalidMessage, "A frame must be a JSON object.")
            }
            object = dictionary
        } catch {
            return ProtocolError(.invalidJSON, "The frame is not valid JSON.")
        }
        let echo = (
            ref: object["ref"] as? String, topic: object["topic"] as? String, seq: (object["seq"] as? NSNumber)?.int64Value
        )
        do {
            _ = try decoder.decode(Envelope.self, from: data)
            return ProtocolError(
                .invalidMessage, "The frame does not match the protocol.", ref: echo.ref, topic: echo.topic, seq: echo.seq)
        } catch let error as DecodingError {
            return ProtocolError(.invalidMessage, Self.describe(error), ref: echo.ref, topic: echo.topic, seq: echo.seq)
        } catch {
            return ProtocolError(.invalidMessage, "The frame does not match the protocol.")
        }
    }

    private static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, _): "\(key.stringValue) is required."
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            "\(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
        @unknown default: "The frame does not match the protocol."
        }
    }
}

/// What a subscription is about.
enum Topic: Hashable, Sendable, CustomStringConvertible {
    case ticket(TicketID)
    /// A team's queue; `nil` is the triage queue.
    case team(TeamID?)
    case notifications

    init(parsing raw: String, ref: String?) throws(ProtocolError) {
        if raw == "notifications" {
            self = .notifications
        } else if raw == "team:triage" {
            self = .team(nil)
        } else if raw.hasPrefix("ticket:"), raw.count > 7, raw.count <= FieldLimits.topicCharacters {
            self = .ticket(TicketID(String(raw.dropFirst(7))))
        } else if raw.hasPrefix("team:"), raw.count > 5, raw.count <= FieldLimits.topicCharacters {
            self = .team(TeamID(String(raw.dropFirst(5))))
        } else {
            throw ProtocolError(.unknownTopic, "Unknown topic \"\(raw.prefix(FieldLimits.topicCharacters))\".", ref: ref)
        }
    }

    var description: String {
        switch self {
        case .ticket(let id): "ticket:\(id.rawValue)"
        case .team(let id): "team:\(id?.rawValue ?? "triage")"
        case .notifications: "notifications"
        }
    }
}
