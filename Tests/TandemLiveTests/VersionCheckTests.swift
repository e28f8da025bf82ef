// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Metrics
import NIOCore
import TandemActors
import TandemCore
import Testing

@testable import TandemServer

/// The edge check a cluster node applies to staff-view ticket frames: whatever the relay
/// and two overlapping owners do, a client sees each version once, in order, from its
/// subscription's reply on, or is told to resync.
@Suite("Version continuity at the connection edge")
struct VersionCheckTests {
    let topic = "ticket:tkt_1"
    let hub = ConnectionHub(node: "n1", checksVersions: true, metrics: NOOPMetricsHandler.instance)

    func snapshot(at version: Int64) -> LiveEvent {
        var ticket = Ticket(
            id: TicketID("tkt_1"), subject: "Printer on fire", description: "Help", requester: UserID("usr_c"),
            team: TeamID("team_a"), createdAt: Timestamp(millisecondsSince1970: 1_000))
        ticket.version = version
        return .subscribed(
            topic: topic, reply: .snapshot(TicketView(ticket, audience: .staff), presence: []), audience: .staff, ref: nil)
    }

    func catchUp(_ versions: ClosedRange<Int64>?, at version: Int64, audience: Audience = .staff) -> LiveEvent {
        .subscribed(
            topic: topic, reply: .ops((versions.map(Array.init) ?? []).map(op), version: version, presence: []),
            audience: audience, ref: nil)
    }

    func op(_ version: Int64) -> TicketOp {
        TicketOp(
            version: version, change: .text(.replyDraft, TextOperation()), author: UserID("usr_a"),
            at: Timestamp(millisecondsSince1970: 2_000), client: "other", seq: version)
    }

    func send(_ events: [LiveEvent], to connection: Connection) {
        for event in events { hub.deliver(event, to: [connection.address]) }
    }

    /// The frames queued so far, as `type` or `type vN`; with `closing`, also ends the queue.
    func frames(_ connection: Connection, closing: Bool = true) async -> [String] {
        if closing { connection.close() } else if connection.queuedFrames == 0 { return [] }
        var seen: [String] = []
        while let batch = connection.take(maxBytes: .max) {
            for buffer in batch.map(\.payload) {
                let object = try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]
                let type = object?["type"] as? String ?? "?"
                if type == "op", let op = object?["op"] as? [String: Any], let v = op["version"] as? Int {
                    seen.append("op v\(v)")
                } else if type == "resync" {
                    seen.append("resync \(object?["reason"] as? String ?? "")")
                } else if let v = object?["v"] as? Int {
                    seen.append("\(type) v\(v)")
                } else {
                    seen.append(type)
                }
            }
            if !closing { break }
        }
        return seen
    }

    @Test("a jump after the snapshot is answered with a resync, and nothing after it passes")
    func gapAfterSnapshot() async {
        let connection = hub.open()
        send([snapshot(at: 5), .op(topic: topic, op: op(6))], to: connection)
        let written = await frames(connection, closing: false)
        send([.op(topic: topic, op: op(8)), .op(topic: topic, op: op(9))], to: connection)
        #expect(written + (await frames(connection)) == ["snapshot v5", "op v6", "resync relay_gap"])
    }

    @Test("a gap drops the topic's frames still queued: the client catches up from the version it has")
    func gapDropsQueuedFrames() async {
        let connection = hub.open()
        send([snapshot(at: 5), .op(topic: topic, op: op(6)), .op(topic: topic, op: op(8))], to: connection)
        #expect(await frames(connection) == ["snapshot v5", "resync relay_gap"])
    }

    @Test("a repeat is dropped; an ack of an older version (a resend) still passes")
    func repeats() async {
        let connection = hub.open()
        send(
            [
                snapshot(at: 5), .op(topic: topic, op: op(6)), .op(topic: topic, op: op(6)),
                .ack(topic: topic, client: "me", seq: 1, version: 4),
            ],
            to: connection)
        #expect(await frames(connection) == ["snapshot v5", "op v6", "ack v4"])
    }

    @Test("frames that reach a resubscribed topic before its reply are held back; the stream goes on from the reply")
    func framesBeforeTheReplyAreHeldBack() async {
        let connection = hub.open()
        send([snapshot(at: 5), .op(topic: topic, op: op(6))], to: connection)
        connection.resume(topic: topic)
        send([.op(topic: topic, op: op(7)), .ack(topic: topic, client: "me", seq: 1, version: 8)], to: connection)
        send([catchUp(7...8, at: 8), .op(topic: topic, op: op(9))], to: connection)
        #expect(await frames(connection) == ["snapshot v5", "op v6", "ops v8", "op v9"])
    }

    @Test("a frame newer than the reply (another owner's, while the lease moves) makes the reply end in a resync")
    func aFrameAheadOfTheReplyResyncs() async {
        let connection = hub.open()
        send([snapshot(at: 5)], to: connection)
        connection.resume(topic: topic)
        // The old owner still commits while a node that loaded version 5 answers the resubscription.
        send(
            [.op(topic: topic, op: op(6)), .op(topic: topic, op: op(7)), catchUp(nil, at: 5), .op(topic: topic, op: op(8))],
            to: connection)
        #expect(await frames(connection) == ["snapshot v5", "ops v5", "resync relay_gap"])
    }

    @Test("an actor's resync stops the topic's frames until the client subscribes again")
    func actorResyncStopsTheTopic() async {
        let connection = hub.open()
        send([snapshot(at: 5), .resync(topic: topic, reason: "owner_changed"), .op(topic: topic, op: op(6))], to: connection)
        connection.resume(topic: topic)
        send([catchUp(6...6, at: 6), .op(topic: topic, op: op(7))], to: connection)
        #expect(await frames(connection) == ["snapshot v5", "resync owner_changed", "ops v6", "op v7"])
    }

    @Test("a new connection that starts from a known version (a reconnect) is checked from its catch-up")
    func catchUpStartsTheCheck() async {
        let connection = hub.open()
        send([catchUp(4...5, at: 5), .op(topic: topic, op: op(6)), .op(topic: topic, op: op(9))], to: connection)
        #expect(await frames(connection) == ["ops v5", "resync relay_gap"])
    }

    @Test("the customer's view skips internal versions by design and is not checked")
    func publicViewIsNotChecked() async {
        let connection = hub.open()
        send([catchUp(nil, at: 5, audience: .public), .op(topic: topic, op: op(9))], to: connection)
        #expect(await frames(connection) == ["ops v5", "op v9"])
    }

    @Test("single-node hubs do not check versions")
    func singleNodeDoesNotCheck() async {
        let hub = ConnectionHub(node: "n1", checksVersions: false, metrics: NOOPMetricsHandler.instance)
        let connection = hub.open()
        for event in [snapshot(at: 5), .op(topic: topic, op: op(7))] { hub.deliver(event, to: [connection.address]) }
        #expect(await frames(connection) == ["snapshot v5", "op v7"])
    }
}
