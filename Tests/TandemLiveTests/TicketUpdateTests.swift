// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Testing

/// `PATCH /api/v1/tickets/{id}` with several fields: they change together or not at all.
@Suite("Updating a ticket over REST")
struct TicketUpdateTests {
    @Test("a refused field leaves every other field of the request unchanged")
    func refusedFieldChangesNothing() async throws {
        try await LiveServer.run { server in
            let agent = server.agents[0]
            let ticket = try await server.createTicket(as: agent, requester: server.customers[0], team: server.team)
            let before = try await server.ticket(ticket, as: agent)
            // Status and priority are fine; the assignee is staff, but of another team.
            let refused = try await server.request(
                .patch, "/api/v1/tickets/\(ticket)", as: agent,
                body: ["status": "pending", "priority": "urgent", "assignee": server.outsider.id])
            #expect(refused.status == 422, "\(refused)")
            #expect(refused.json["error"]?["code"]?.string == "not_assignable", "\(refused)")
            let after = try await server.ticket(ticket, as: agent)
            #expect(after["status"] == before["status"])
            #expect(after["priority"] == before["priority"])
            #expect(after["assignee"] == before["assignee"])
            #expect(after["version"] == before["version"])
        }
    }

    @Test("fields are checked as the earlier ones leave the ticket: an assignee of the new team is accepted")
    func assigneeIsCheckedAgainstTheNewTeam() async throws {
        try await LiveServer.run { server in
            let agent = server.agents[0]
            let ticket = try await server.createTicket(as: agent, requester: server.customers[0], team: server.team)
            let before = try await server.ticket(ticket, as: server.admin)
            let moved = try await server.request(
                .patch, "/api/v1/tickets/\(ticket)", as: server.admin,
                body: ["team": server.otherTeam.id.rawValue, "assignee": server.outsider.id, "status": "open"])
            #expect(moved.status == 200, "\(moved)")
            let after = try await server.ticket(ticket, as: server.admin)
            #expect(after["team"]?.string == server.otherTeam.id.rawValue)
            #expect(after["assignee"]?.string == server.outsider.id)
            #expect(after["status"]?.string == "open")
            // One version per field, committed together.
            #expect(after["version"]?.int == (before["version"]?.int ?? -10) + 3)
        }
    }
}
