// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemActors
@testable import TandemCluster
import TandemCore
import Testing

@Suite("Cluster wire format and link checks")
struct WireTests {
    @Test("Link sequencer: in order, gap, restart, reset")
    func linkSequencer() {
        var links = LinkSequencer()
        #expect(links.receive(from: "a", epoch: "e1", seq: 5) == .inOrder)
        #expect(links.receive(from: "a", epoch: "e1", seq: 6) == .inOrder)
        #expect(links.receive(from: "a", epoch: "e1", seq: 8) == .gap)
        #expect(links.receive(from: "a", epoch: "e1", seq: 9) == .inOrder)
        #expect(links.receive(from: "a", epoch: "e2", seq: 1) == .restarted)
        #expect(links.receive(from: "b", epoch: "e1", seq: 1) == .inOrder)
        #expect(links.firstReceived(from: "a") == 1 && links.firstReceived(from: "b") == 1)
        links.reset()
        #expect(links.receive(from: "a", epoch: "e2", seq: 40) == .inOrder)
        // The first number of a run is kept across a reset; a new run starts it again.
        #expect(links.firstReceived(from: "a") == 1 && links.firstReceived(from: "c") == nil)
        #expect(links.receive(from: "a", epoch: "e3", seq: 9) == .restarted)
        #expect(links.firstReceived(from: "a") == 9)
        var sending = SendSequencer()
        #expect([sending.take(for: "a"), sending.take(for: "a"), sending.take(for: "b")] == [1, 2, 1])
    }

    @Test("Envelopes and every live event survive the trip")
    func envelopeRoundTrip() throws {
        let address = SubscriberAddress(node: "n2", connection: 9)
        let user: UserID = IdentifierGenerator().make("usr", at: 1)
        let events: [LiveEvent] = [
            .ack(topic: "ticket:t", client: "c", seq: 3, version: 4),
            .subscribed(topic: "ticket:t", reply: .ops([], version: 4, presence: []), audience: .staff, ref: "s1"),
            .subscribed(topic: "ticket:t", reply: .ops([], version: 4, presence: []), audience: .public, ref: nil),
            .presenceLeft(topic: "ticket:t", user: user, connection: address),
            .agentActivity(topic: "ticket:t", replying: true),
            .resync(topic: "team:triage", reason: "owner_changed"),
            .unsubscribed(topic: "ticket:t", reason: "forbidden"),
            .attachment(
                topic: "ticket:t",
                attachment: TandemCore.Attachment(
                    id: AttachmentID("att_1"), ticket: TicketID("t"), owner: .comment(CommentID("cmt_1")), uploader: user,
                    name: "log.txt", type: "text/plain", size: 3, sha256: String(repeating: "a", count: 64),
                    visibility: .internal, createdAt: Timestamp(millisecondsSince1970: 5))),
        ]
        for event in events {
            let bytes = NodeEnvelope.encode(
                from: "n1", epoch: "e", seq: 7, body: NodeMessage.deliver(RelayedEvent(event), connections: [9]).encoded())
            let envelope = try #require(NodeEnvelope(bytes: bytes))
            #expect(envelope.from == "n1" && envelope.seq == 7)
            guard case .deliver(let relayed, let connections) = envelope.message else {
                Issue.record("not a delivery")
                continue
            }
            #expect(relayed.event == event)
            #expect(connections == [9])
        }
        let first = try #require(
            NodeEnvelope(
                bytes: NodeEnvelope.encode(
                    from: "n1", epoch: "e", seq: 8, firstReceived: 3,
                    body: NodeMessage.deliver(RelayedEvent(events[0]), connections: []).encoded())))
        #expect(first.firstReceived == 3)
        // A node of an earlier version writes no fourth field.
        let older = try #require(
            NodeEnvelope(
                bytes: NodeEnvelope.encode(
                    from: "n1", epoch: "e", seq: 8, body: NodeMessage.deliver(RelayedEvent(events[0]), connections: []).encoded())
            ))
        #expect(older.firstReceived == nil)
        #expect(NodeEnvelope(bytes: Array("n1/e/8/x\n{}".utf8)) == nil)
    }

    @Test("Actor errors keep their meaning across nodes")
    func relayedErrors() {
        let errors: [TicketActorError] = [
            .notFound, .forbidden("no"), .futureVersion(current: 3), .versionTooOld, .staleSequence, .inactive,
            .notSubscribed, .unavailable("down"), .invalid(.closed), .invalid(.textTooLong(field: .description, limit: 9)),
            .invalid(.invalidTransition(from: .new, to: .closed)),
            .invalid(.invalidOperation(.baseLengthMismatch(expected: 4, actual: 2))),
            .invalid(.invalid(ValidationError(field: "subject", code: "required", message: "A subject is required."))),
        ]
        for error in errors {
            let bytes = NodeMessage.reply(id: 1, .failure(error)).encoded()
            let decoded = try? JSONDecoder().decode(NodeMessage.self, from: Data(bytes))
            #expect(decoded == .reply(id: 1, .failure(error)))
        }
    }

    @Test("Actor keys and lease tokens parse back")
    func keys() {
        let ticket: TicketID = IdentifierGenerator().make("tkt", at: 1)
        #expect(ActorKey(ActorKey.ticket(ticket).description) == .ticket(ticket))
        #expect(ActorKey("team:triage") == .team(nil))
        #expect(ClusterKeys.lease(.team(nil)) == "tandem:lease:team:triage")
        #expect(ClusterKeys.node(ofToken: "n1/abc") == "n1")
    }
}
