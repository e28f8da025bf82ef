// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemActors

/// What one node sends another on its channel `tandem:node:<node>`.
///
/// On the wire a message is a header line `<from>/<epoch>/<seq>[/<firstReceived>]\n` followed
/// by the JSON of a ``NodeMessage``. `seq` counts the messages from one node incarnation to one
/// destination (1, 2, 3, …): the receiver detects a lost message by the gap. `firstReceived`
/// lets the receiver of a restarted node's first message tell which of its own calls reached
/// the new run (they will be answered) from those that went to the old one (they fail).
struct NodeEnvelope: Sendable, Hashable {
    var from: String
    var epoch: String
    var seq: UInt64
    /// The first sequence number this run of the sender received from the receiver, if any:
    /// the receiver's messages numbered below it went to an earlier run (or were lost).
    var firstReceived: UInt64?
    var message: NodeMessage

    /// The header and body bytes: `<from>/<epoch>/<seq>[/<firstReceived>]` and a newline.
    static func encode(from: String, epoch: String, seq: UInt64, firstReceived: UInt64? = nil, body: [UInt8]) -> [UInt8] {
        var header = "\(from)/\(epoch)/\(seq)"
        if let firstReceived { header += "/\(firstReceived)" }
        var bytes = Array((header + "\n").utf8)
        bytes.append(contentsOf: body)
        return bytes
    }

    /// Parses a received message; `nil` when it is malformed.
    init?(bytes: [UInt8]) {
        guard let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let header = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: "/", omittingEmptySubsequences: false)
        // A sender of an earlier version writes three fields.
        guard header.count == 3 || header.count == 4, let seq = UInt64(header[2]),
            let message = try? JSONDecoder().decode(NodeMessage.self, from: Data(bytes[(newline + 1)...]))
        else { return nil }
        if header.count == 4 {
            guard let first = UInt64(header[3]) else { return nil }
            self.firstReceived = first
        }
        self.from = String(header[0])
        self.epoch = String(header[1])
        self.seq = seq
        self.message = message
    }
}

/// The body of a ``NodeEnvelope``.
enum NodeMessage: Codable, Sendable, Hashable {
    /// Run `call` and answer with a `reply` of the same id (`id == 0`: no answer wanted), under
    /// the caller's `trace` (``TraceContext``; absent from a sender of an earlier version).
    case call(id: UInt64, ActorCall, trace: String? = nil)
    case reply(id: UInt64, ActorCallResult)
    /// Deliver `event` to these connections of the receiving node.
    case deliver(RelayedEvent, connections: [UInt64])

    func encoded() -> [UInt8] {
        // Every field is a plain Codable value: encoding cannot fail.
        (try? Array(JSONEncoder().encode(self))) ?? []
    }
}
