// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Testing

@Suite("Team queues over real WebSockets")
struct QueueTests {
    @Test("a supervisor watching team:<id> sees the counts change as tickets are created and move")
    func supervisorSeesCountsChange() async throws {
        try await LiveServer.run { server in
            let topic = "team:\(server.team.id.rawValue)"
            let supervisor = try await server.connect(server.supervisor)
            let queue = try await supervisor.subscribe(topic)
            #expect(queue.type == "queue", "\(queue)")
            let stats = queue.json["snapshot"]?["stats"]
            #expect(stats?["byStatus"]?["new"] == nil)
            #expect(queue.json["snapshot"]?["tickets"]?.array?.isEmpty == true)
            let startSequence = try #require(queue.json["snapshot"]?["sequence"]?.int)

            // Created through REST in the team: joins the queue as new and unassigned.
            let agent = server.agents[0]
            let ticket = try await server.createTicket(as: agent, requester: server.customers[0], team: server.team)
            let created = try await supervisor.inbox.next("queue_update", topic: topic)
            #expect(created.json["update"]?["upsert"]?["id"]?.string == ticket)
            #expect(created.json["update"]?["stats"]?["byStatus"]?["new"]?.int == 1)
            #expect(created.json["update"]?["stats"]?["unassigned"]?.int == 1)
            #expect(created.json["update"]?["sequence"]?.int == startSequence + 1)

            // Status new → open through REST.
            try await server.setStatus(ticket, "open", as: agent)
            let opened = try await supervisor.inbox.next("queue_update", topic: topic)
            #expect(opened.json["update"]?["stats"]?["byStatus"]?["open"]?.int == 1)
            #expect(opened.json["update"]?["stats"]?["byStatus"]?["new"] == nil)
            #expect(opened.json["update"]?["upsert"]?["status"]?.string == "open")

            // Assigned through REST: per-agent load, no longer unassigned.
            let assign = try await server.request(
                .patch, "/api/v1/tickets/\(ticket)", as: agent, body: ["assignee": agent.id])
            #expect(assign.status == 200, "\(assign)")
            let assigned = try await supervisor.inbox.next("queue_update", topic: topic)
            #expect(assigned.json["update"]?["stats"]?["unassigned"]?.int == 0)
            #expect(assigned.json["update"]?["stats"]?["load"]?[agent.id]?.int == 1)

            // Status open → pending over the WebSocket, then solved → closed: leaves the queue.
            let agentSocket = try await server.connect(agent)
            let snapshot = try await agentSocket.subscribe("ticket:\(ticket)")
            let writer = TicketWriter(agentSocket, ticket: ticket, version: snapshot.json["v"]?.int ?? 0)
            #expect(try await writer.set("status", "pending").type == "ack")
            let pending = try await supervisor.inbox.next("queue_update", topic: topic)
            #expect(pending.json["update"]?["stats"]?["byStatus"]?["pending"]?.int == 1)
            #expect(pending.json["update"]?["stats"]?["byStatus"]?["open"] == nil)
            #expect(try await writer.set("status", "solved").type == "ack")
            _ = try await supervisor.inbox.next("queue_update", topic: topic)
            #expect(try await writer.set("status", "closed").type == "ack")
            let closed = try await supervisor.inbox.next("queue_update", topic: topic)
            #expect(closed.json["update"]?["removed"]?.string == ticket)
            #expect(closed.json["update"]?["stats"]?["byStatus"]?.object?.isEmpty == true)

            // A ticket of another team does not show up here.
            let elsewhere = supervisor.inbox.mark
            _ = try await server.createTicket(as: server.outsider, requester: server.customers[1], team: server.otherTeam)
            #expect(
                try await supervisor.inbox.staysQuiet(for: .milliseconds(300), after: elsewhere) { $0.type == "queue_update" })

            await agentSocket.close()
            await supervisor.close()
        }
    }

    @Test("an agent of another team may not watch the queue")
    func outsiderRefused() async throws {
        try await LiveServer.run { server in
            let outsider = try await server.connect(server.outsider)
            let reply = try await outsider.subscribe("team:\(server.team.id.rawValue)")
            #expect(reply.type == "error")
            #expect(reply.code == "forbidden")
            try await outsider.ping()
            await outsider.close()
        }
    }
}
