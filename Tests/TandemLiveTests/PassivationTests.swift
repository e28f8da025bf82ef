// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@Suite("Passivation and re-activation")
struct PassivationTests {
    @Test("an idle ticket is passivated and comes back on the next subscribe with the same text and version")
    func idleTicketComesBackIntact() async throws {
        let options = LiveOptions(configure: {
            $0.actors.idleSeconds = 1
            $0.actors.snapshotEveryOps = 1_000
            $0.actors.snapshotIntervalMilliseconds = 60_000
        })
        try await LiveServer.run(options) { server in
            let registry = server.dependencies.actors
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let topic = "ticket:\(ticket)"
            let socket = try await server.connect(server.agents[0])
            _ = try await socket.subscribe(topic)
            #expect(registry.activeCounts.tickets == 1)
            let writer = TicketWriter(socket, ticket: ticket, version: 0)
            var length = 0
            for word in ["Grüße ", "👍🏽 ", "e\u{301}", " 漢字"] {
                let append: [Any] = length == 0 ? [word] : [length, word]
                #expect(try await writer.text(.replyDraft, append).type == "ack")
                length += word.unicodeScalars.count
            }
            #expect(try await writer.text(.internalNotes, ["watch this one"]).type == "ack")
            #expect(try await writer.text(.description, [3, "(edited) "]).type == "ack")
            let before = try await server.ticket(ticket, as: server.admin)
            let version = writer.version
            #expect(before["version"]?.int == version)

            // A subscriber keeps it alive; once it leaves, the registry passivates it.
            try await Task.sleep(for: .milliseconds(1_500))
            #expect(registry.activeCounts.tickets == 1, "passivated with a subscriber")
            await socket.close()
            try await eventually("the ticket is passivated", timeout: .seconds(6)) {
                registry.activeCounts.tickets == 0
            }

            // The next subscribe activates it again from the store: identical text and version.
            let back = try await server.connect(server.agents[1])
            let snapshot = try await back.subscribe(topic)
            #expect(registry.activeCounts.tickets == 1)
            #expect(snapshot.type == "snapshot")
            #expect(snapshot.json["v"]?.int == version)
            let view = try #require(snapshot.json["ticket"])
            for field in ["replyDraft", "internalNotes", "description", "status", "subject"] {
                #expect(view[field] == before[field], "\(field)")
            }
            #expect(view["replyDraft"]?.string == "Grüße 👍🏽 e\u{301} 漢字")
            let after = try await server.ticket(ticket, as: server.admin)
            #expect(after == before)

            // It keeps working at the next version, and catch-up from the old version is empty.
            let next = TicketWriter(back, ticket: ticket, version: version)
            let ack = try await next.text(.replyDraft, [["d": 6]])
            #expect(ack.json["v"]?.int == version + 1)
            let other = try await server.connect(server.agents[2])
            let caughtUp = try await other.subscribe(topic, from: version)
            #expect(caughtUp.type == "ops")
            #expect((caughtUp.json["ops"]?.array ?? []).compactMap { $0["version"]?.int } == [version + 1])
            await back.close()
            await other.close()
        }
    }
}
