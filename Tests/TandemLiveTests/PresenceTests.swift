// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@Suite("Presence over real WebSockets")
struct PresenceTests {
    @Test("an agent's caret reaches a colleague, moves with edits, and disappears right after a disconnect")
    func presenceComesAndGoes() async throws {
        try await LiveServer.run { server in
            let (ada, bo) = (server.agents[0], server.agents[1])
            let ticket = try await server.createTicket(as: ada, requester: server.customers[0], team: server.team)
            let topic = "ticket:\(ticket)"
            let adaSocket = try await server.connect(ada)
            _ = try await adaSocket.subscribe(topic)
            let writer = TicketWriter(adaSocket, ticket: ticket, version: 0)
            #expect(try await writer.text(.replyDraft, ["Hello 👍🏽 world"]).type == "ack")

            let boSocket = try await server.connect(bo)
            let snapshot = try await boSocket.subscribe(topic)
            #expect(snapshot.json["presence"]?.array?.isEmpty == true)

            // Ada types in the draft with "world" selected (scalars 8..<13).
            try await adaSocket.send([
                "type": "presence", "topic": topic, "state": "typing", "field": "replyDraft",
                "selection": ["anchor": 8, "head": 13], "v": writer.version,
            ])
            let seen = try await boSocket.inbox.next("presence", topic: topic)
            let presence = try #require(seen.json["presence"])
            #expect(presence["user"]?.string == ada.id)
            #expect(presence["state"]?.string == "typing")
            #expect(presence["field"]?.string == "replyDraft")
            #expect(presence["selection"]?["anchor"]?.int == 8)
            #expect(presence["selection"]?["head"]?.int == 13)
            #expect(presence["connection"] != nil)

            // Bo edits before the selection: a newcomer sees it moved with the text.
            let boWriter = TicketWriter(boSocket, ticket: ticket, version: writer.version)
            #expect(try await boWriter.text(.replyDraft, ["¡"]).type == "ack")
            let newcomer = try await server.connect(server.supervisor)
            let present = try await newcomer.subscribe(topic)
            let others = present.json["presence"]?.array ?? []
            let adaThere = try #require(others.first { $0["user"]?.string == ada.id }, "\(present)")
            #expect(adaThere["selection"]?["anchor"]?.int == 9)
            #expect(adaThere["selection"]?["head"]?.int == 14)

            // Ada goes away: her presence leaves at once.
            let before = ContinuousClock.now
            await adaSocket.close()
            let left = try await boSocket.inbox.next("presence_left", topic: topic)
            #expect(left.json["user"]?.string == ada.id)
            #expect(ContinuousClock.now - before < .seconds(2))
            let newcomerLeft = try await newcomer.inbox.next("presence_left", topic: topic)
            #expect(newcomerLeft.json["user"]?.string == ada.id)

            // And a fresh subscriber no longer sees her.
            let late = try await server.connect(server.agents[2])
            let lateSnapshot = try await late.subscribe(topic)
            #expect(!(lateSnapshot.json["presence"]?.array ?? []).contains { $0["user"]?.string == ada.id })
            for socket in [boSocket, newcomer, late] { await socket.close() }
        }
    }

    @Test("typing and a caret fall back to viewing within 5 s without renewal, heartbeats or not; the viewer stays")
    func typingDecaysWithoutRenewal() async throws {
        try await LiveServer.run { server in
            let (ada, bo) = (server.agents[0], server.agents[1])
            let ticket = try await server.createTicket(as: ada, requester: server.customers[0], team: server.team)
            let topic = "ticket:\(ticket)"
            let customer = try await server.connect(server.customers[0])
            _ = try await customer.subscribe(topic)
            let boSocket = try await server.connect(bo)
            _ = try await boSocket.subscribe(topic)
            let adaSocket = try await server.connect(ada)
            _ = try await adaSocket.subscribe(topic)
            try await adaSocket.send([
                "type": "presence", "topic": topic, "state": "typing", "field": "replyDraft",
                "selection": ["anchor": 0, "head": 0], "v": 0,
            ])
            let typing = try await boSocket.inbox.next("presence", topic: topic)
            #expect(typing.json["presence"]?["state"]?.string == "typing")
            let started = ContinuousClock.now
            #expect(try await customer.inbox.next("agent_activity", topic: topic).json["replying"]?.bool == true)

            // Ada's client goes silent but her connection stays up and keeps answering pings.
            let heartbeats = Task {
                while !Task.isCancelled {
                    try? await adaSocket.ping()
                    try? await Task.sleep(for: .milliseconds(500))
                }
            }
            defer { heartbeats.cancel() }
            let decayed = try await boSocket.inbox.next("Ada's presence back to viewing", timeout: .seconds(20)) {
                $0.type == "presence" && $0.json["presence"]?["state"]?.string == "viewing"
            }
            let after = ContinuousClock.now - started
            #expect(decayed.json["presence"]?["user"]?.string == ada.id)
            #expect(decayed.json["presence"]?["field"] == nil || decayed.json["presence"]?["field"]?.isNull == true)
            #expect(decayed.json["presence"]?["selection"] == nil || decayed.json["presence"]?["selection"]?.isNull == true)
            // Not before the 4 s activity TTL; the upper bound (TTL + a 1 s sweep) is stated, not timed here.
            #expect(after >= .seconds(2), "decayed after \(after)")
            print("[presence] typing decayed after \(after)")
            // The customer hears that nobody is replying any more.
            let quiet = try await customer.inbox.next("agent_activity false", timeout: .seconds(5)) {
                $0.type == "agent_activity" && $0.json["replying"]?.bool == false
            }
            #expect(quiet.json["topic"]?.string == topic)
            // The viewer stays: a newcomer sees Ada present, viewing, with no caret.
            let newcomer = try await server.connect(server.supervisor)
            let present = try await newcomer.subscribe(topic)
            let adaThere = try #require(
                (present.json["presence"]?.array ?? []).first { $0["user"]?.string == ada.id }, "\(present)")
            #expect(adaThere["state"]?.string == "viewing")
            // Typing again brings it back at once.
            try await adaSocket.send(["type": "presence", "topic": topic, "state": "typing", "field": "replyDraft"])
            let again = try await boSocket.inbox.next("typing again") {
                $0.type == "presence" && $0.json["presence"]?["state"]?.string == "typing"
            }
            #expect(again.json["presence"]?["field"]?.string == "replyDraft")
            heartbeats.cancel()
            for socket in [customer, boSocket, adaSocket, newcomer] { await socket.close() }
        }
    }

    @Test("a selection outside the text is refused with invalid_operation")
    func selectionOutOfRange() async throws {
        try await LiveServer.run { server in
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let socket = try await server.connect(server.agents[0])
            _ = try await socket.subscribe("ticket:\(ticket)")
            let error = try await socket.expectError([
                "type": "presence", "topic": "ticket:\(ticket)", "state": "typing", "field": "replyDraft",
                "selection": ["anchor": 0, "head": 99], "v": 0,
            ])
            #expect(error.code == "invalid_operation", "\(error)")
            try await socket.ping()
            await socket.close()
        }
    }
}
