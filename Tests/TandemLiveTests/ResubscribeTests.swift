// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@Suite("Resubscribing from a known version")
struct ResubscribeTests {
    @Test("a client that was away gets exactly the operations it missed")
    func catchUpIsExact() async throws {
        try await LiveServer.run { server in
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let topic = "ticket:\(ticket)"
            let writerSocket = try await server.connect(server.agents[0])
            _ = try await writerSocket.subscribe(topic)
            let writer = TicketWriter(writerSocket, ticket: ticket, version: 0)
            for word in ["alpha ", "beta ", "gamma "] {
                #expect(try await writer.text(.replyDraft, [word]).type == "ack")
            }

            // The reader follows, then drops off at a known version.
            var reader = try await server.connect(server.agents[1])
            let first = try await reader.subscribe(topic)
            let known = try #require(first.json["v"]?.int)
            #expect(known == 3)
            let draftThen = try #require(first.json["ticket"]?["replyDraft"]?.string)
            await reader.close()

            // Meanwhile: text, a status change through REST, and a comment.
            #expect(try await writer.text(.replyDraft, [draftThen.unicodeScalars.count, "delta 👍🏽"]).type == "ack")
            try await server.setStatus(ticket, "open", as: server.agents[2])
            writer.moved(to: writer.version + 1)
            #expect(try await writer.comment("Looking into it", visibility: "public").type == "ack")
            #expect(try await writer.text(.description, [["d": 3]]).type == "ack")
            let current = writer.version
            #expect(current == known + 4)

            // Back, from the known version: exactly the missing ones, in order.
            reader = try await server.connect(server.agents[1])
            let catchUp = try await reader.subscribe(topic, from: known)
            #expect(catchUp.type == "ops", "\(catchUp)")
            #expect(catchUp.json["v"]?.int == current)
            let versions = (catchUp.json["ops"]?.array ?? []).compactMap { $0["version"]?.int }
            #expect(versions == Array((known + 1)...current))
            let kinds = (catchUp.json["ops"]?.array ?? []).compactMap { $0["change"]?["kind"]?.string }
            #expect(kinds == ["text", "set", "comment", "text"])

            // Replaying them on the old draft gives today's draft.
            var draft = draftThen
            for op in catchUp.json["ops"]?.array ?? [] where op["change"]?["field"]?.string == "replyDraft" {
                let operation = try TextOperation(validating: components(op["change"]?["op"]))
                draft = try operation.apply(to: draft)
            }
            let rest = try await server.ticket(ticket, as: server.admin)
            #expect(draft == rest["replyDraft"]?.string)

            // From the current version: nothing missing. From the future: refused.
            try await reader.send(["type": "unsubscribe", "topic": topic])
            _ = try await reader.inbox.next("unsubscribed")
            let upToDate = try await reader.subscribe(topic, from: current)
            #expect(upToDate.type == "ops")
            #expect(upToDate.json["ops"]?.array?.isEmpty == true)
            try await reader.send(["type": "unsubscribe", "topic": topic])
            _ = try await reader.inbox.next("unsubscribed")
            let future = try await reader.subscribe(topic, from: current + 10)
            #expect(future.type == "error")
            #expect(future.code == "future_version", "\(future)")

            // Live again: the next operation arrives as an op frame.
            _ = try await reader.subscribe(topic, from: current)
            #expect(try await writer.text(.replyDraft, ["!"]).type == "ack")
            let live = try await reader.inbox.next("op", topic: topic)
            #expect(live.json["op"]?["version"]?.int == current + 1)
            await reader.close()
            await writerSocket.close()
        }
    }

    @Test("a client resuming from before the kept operations gets a fresh snapshot")
    func tooOldGetsSnapshot() async throws {
        let options = LiveOptions(configure: { $0.actors.snapshotEveryOps = 4 }, controlledStore: true)
        try await LiveServer.run(options) { server in
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let topic = "ticket:\(ticket)"
            let socket = try await server.connect(server.agents[0])
            _ = try await socket.subscribe(topic)
            let writer = TicketWriter(socket, ticket: ticket, version: 0)
            for index in 0..<12 {
                let insert: [Any] = index == 0 ? ["0"] : [index, "\(index % 10)"]
                #expect(try await writer.text(.replyDraft, insert).type == "ack")
            }
            await socket.close()
            // Drop the in-memory window (the next activation loads the latest snapshot), and
            // purge the op log up to version 8, as a compacting store would.
            await server.dependencies.actors.passivateAll()
            server.controlled?.purge(through: 8)

            let reader = try await server.connect(server.agents[1])
            let old = try await reader.subscribe(topic, from: 2)
            #expect(old.type == "snapshot", "\(old)")
            #expect(old.json["v"]?.int == 12)
            let rest = try await server.ticket(ticket, as: server.admin)
            #expect(old.json["ticket"]?["replyDraft"]?.string == rest["replyDraft"]?.string)

            // Still kept: exact catch-up from the store.
            try await reader.send(["type": "unsubscribe", "topic": topic])
            _ = try await reader.inbox.next("unsubscribed")
            let recent = try await reader.subscribe(topic, from: 9)
            #expect(recent.type == "ops", "\(recent)")
            #expect((recent.json["ops"]?.array ?? []).compactMap { $0["version"]?.int } == [10, 11, 12])
            await reader.close()
        }
    }
}

/// Text components from their wire JSON.
func components(_ json: JSON?) throws -> [TextOperation.Component] {
    try (json?.array ?? []).map { item in
        switch item {
        case .int(let count): .retain(Int(count))
        case .string(let text): .insert(text)
        case .object(let object):
            .delete(Int(try #require(object["d"]?.int)))
        default:
            throw InboxTimeout(what: "a text component, got \(item)", seen: [])
        }
    }
}
