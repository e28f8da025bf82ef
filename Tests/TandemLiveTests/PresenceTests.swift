//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

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
