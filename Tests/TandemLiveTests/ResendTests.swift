// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Testing

/// A resend (the same client and seq) is applied at most once, whenever it arrives.
@Suite("Resends")
struct ResendTests {
    @Test("a resend that arrives while its original still waits on the store is acknowledged, not applied again")
    func resendDuringTheOriginalsChecks() async throws {
        try await LiveServer.run(LiveOptions(controlledStore: true)) { server in
            let store = try #require(server.controlled)
            let agent = server.agents[0]
            let assignee = server.agents[1]
            let ticket = try await server.createTicket(as: agent, requester: server.customers[0], team: server.team)
            let first = try await server.connect(agent, name: "first")
            let version = try #require(try await first.subscribe("ticket:\(ticket)").json["v"]?.int)
            let assign: [String: Any] = ["kind": "set", "field": "assignee", "value": assignee.id]

            // The ticket checks that the assignee may be assigned: the store is slow to answer.
            store.holdReads(of: assignee.user.id)
            try await first.submit(ticket: ticket, client: "c1", seq: 1, version: Int64(version), op: assign)
            // The client gives up on that connection and resends from a new one meanwhile.
            let second = try await server.connect(agent, name: "second")
            _ = try await second.subscribe("ticket:\(ticket)")
            try await second.submit(ticket: ticket, client: "c1", seq: 1, version: Int64(version), op: assign)
            #expect(try await second.inbox.staysQuiet(for: .milliseconds(300)) { $0.type == "ack" || $0.type == "error" })
            store.holdReads(of: nil)

            let acks = [try await first.inbox.next("ack"), try await second.inbox.next("ack")]
            #expect(acks.allSatisfy { $0.json["v"]?.int == version + 1 }, "\(acks)")
            let after = try await server.ticket(ticket, as: server.admin)
            #expect(after["version"]?.int == version + 1, "applied once")
            #expect(after["assignee"]?.string == assignee.id)
            await first.close()
            await second.close()
        }
    }
}
