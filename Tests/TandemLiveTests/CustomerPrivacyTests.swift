// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@Suite("What a customer receives")
struct CustomerPrivacyTests {
    /// Strings agents write where customers must never see them.
    static let secrets = ["SECRET-NOTE", "SECRET-DRAFT", "SECRET-INTERNAL-COMMENT", "secret-vip"]
    /// Keys that carry staff-only data.
    static let staffKeys: Set<String> = ["internalNotes", "replyDraft", "tags", "assignee", "team", "selection"]

    @Test(
        "a customer sees status changes and public replies, and never internal notes, drafts, internal comments, cursors, tags or the assignee"
    )
    func customerSeesOnlyPublicContent() async throws {
        try await LiveServer.run { server in
            let (agent, colleague, customer) = (server.agents[0], server.agents[1], server.customers[0])
            let ticket = try await server.createTicket(as: agent, requester: customer, team: server.team)
            let topic = "ticket:\(ticket)"

            let customerSocket = try await server.connect(customer)
            let snapshot = try await customerSocket.subscribe(topic)
            #expect(snapshot.type == "snapshot", "\(snapshot)")
            #expect(snapshot.json["ticket"]?["subject"]?.string == "Printer on fire")

            let agentSocket = try await server.connect(agent)
            let agentSnapshot = try await agentSocket.subscribe(topic)
            let colleagueSocket = try await server.connect(colleague)
            _ = try await colleagueSocket.subscribe(topic)
            let writer = TicketWriter(agentSocket, ticket: ticket, version: agentSnapshot.json["v"]?.int ?? 0)

            // Agents work internally: notes, draft, internal comment, tags, assignee, carets.
            #expect(try await writer.text(.internalNotes, ["SECRET-NOTE: customer is on the old plan"]).type == "ack")
            #expect(try await writer.text(.replyDraft, ["SECRET-DRAFT we will refund"]).type == "ack")
            #expect(try await writer.comment("SECRET-INTERNAL-COMMENT escalate", visibility: "internal").type == "ack")
            #expect(try await writer.submit(op: ["kind": "tags", "add": ["secret-vip"], "remove": [String]()]).type == "ack")
            #expect(try await writer.set("assignee", agent.id).type == "ack")
            try await agentSocket.send([
                "type": "presence", "topic": topic, "state": "typing", "field": "replyDraft",
                "selection": ["anchor": 0, "head": 6], "v": writer.version,
            ])
            // The colleague sees the caret: presence reaches staff.
            let caret = try await colleagueSocket.inbox.next("presence", topic: topic)
            #expect(caret.json["presence"]?["selection"]?["head"]?.int == 6)

            // Public work: a reply and a status change reach the customer.
            #expect(try await writer.comment("We are on it.", visibility: "public").type == "ack")
            #expect(try await writer.set("status", "pending").type == "ack")
            let status = try await customerSocket.inbox.next("status op") {
                $0.type == "op" && $0.json["op"]?["change"]?["field"]?.string == "status"
            }
            #expect(status.json["op"]?["change"]?["kind"]?.string == "set")
            #expect(status.json["op"]?["change"]?["value"]?.string == "pending")
            let reply = try await customerSocket.inbox.next("public reply") {
                $0.type == "op" && $0.json["op"]?["change"]?["kind"]?.string == "comment"
            }
            #expect(reply.json["op"]?["change"]?["comment"]?["body"]?.string == "We are on it.")
            // At most "an agent is replying".
            let activity = try await customerSocket.inbox.next("agent_activity", topic: topic)
            #expect(activity.json["replying"]?.bool == true)
            #expect(activity.json.allKeys == ["type", "topic", "replying"])

            // A late subscriber's snapshot and catch-up are filtered too.
            let late = try await server.connect(server.newSession(customer), name: "late customer")
            let lateSnapshot = try await late.subscribe(topic)
            #expect(lateSnapshot.json["ticket"]?["status"]?.string == "pending")
            #expect(lateSnapshot.json["ticket"]?["comments"]?.array?.count == 1)
            try await late.send(["type": "unsubscribe", "topic": topic])
            _ = try await late.inbox.next("unsubscribed")
            let catchUp = try await late.subscribe(topic, from: 0)
            #expect(catchUp.type == "ops")
            #expect(catchUp.json["ops"]?.array?.count == 2, "only the public reply and the status change: \(catchUp)")

            try await customerSocket.ping()
            for socket in [customerSocket, late] {
                let frames = socket.inbox.all
                #expect(frames.count >= 3)
                for frame in frames {
                    for secret in Self.secrets { #expect(!frame.text.contains(secret), "\(socket.name) got \(frame)") }
                    let leaked = frame.json.allKeys.intersection(Self.staffKeys)
                    #expect(leaked.isEmpty, "\(socket.name) got staff-only \(leaked) in \(frame)")
                    #expect(frame.type != "presence" && frame.type != "presence_left", "\(socket.name) got \(frame)")
                    if frame.type == "op" {
                        #expect(frame.json["op"]?["change"]?["kind"]?.string != "text", "\(frame)")
                        #expect(frame.json["op"]?["change"]?["comment"]?["visibility"]?.string != "internal", "\(frame)")
                    }
                }
            }
            for socket in [customerSocket, late, agentSocket, colleagueSocket] { await socket.close() }
        }
    }

    @Test("a customer cannot subscribe to another customer's ticket nor to a team queue")
    func customerCannotReachOthers() async throws {
        try await LiveServer.run { server in
            let theirs = try await server.createTicket(as: server.agents[0], requester: server.customers[1], team: server.team)
            let customer = try await server.connect(server.customers[0])
            let other = try await customer.subscribe("ticket:\(theirs)")
            #expect(other.type == "error")
            #expect(["forbidden", "not_found"].contains(other.code ?? ""), "\(other)")
            #expect(!other.text.contains("Printer"))
            let team = try await customer.subscribe("team:\(server.team.id.rawValue)")
            #expect(team.type == "error")
            #expect(team.code == "forbidden", "\(team)")
            let triage = try await customer.subscribe("team:triage")
            #expect(triage.code == "forbidden", "\(triage)")
            try await customer.ping()
            await customer.close()
        }
    }

    @Test("a customer crafting an op on internal notes gets forbidden and changes nothing")
    func customerCannotWriteInternalNotes() async throws {
        try await LiveServer.run { server in
            let customer = server.customers[0]
            let ticket = try await server.createTicket(as: server.agents[0], requester: customer, team: server.team)
            let socket = try await server.connect(customer)
            let snapshot = try await socket.subscribe("ticket:\(ticket)")
            let writer = TicketWriter(socket, ticket: ticket, version: snapshot.json["v"]?.int ?? 0)
            let notes = try await writer.text(.internalNotes, ["I am staff now"])
            #expect(notes.type == "error")
            #expect(notes.code == "forbidden", "\(notes)")
            let draft = try await writer.text(.replyDraft, ["me too"])
            #expect(draft.code == "forbidden", "\(draft)")
            let internalComment = try await writer.comment("psst", visibility: "internal")
            #expect(internalComment.code == "forbidden", "\(internalComment)")
            let tags = try await writer.submit(op: ["kind": "tags", "add": ["vip"], "remove": [String]()])
            #expect(tags.code == "forbidden", "\(tags)")
            try await socket.ping()
            let after = try await server.ticket(ticket, as: server.admin)
            #expect(after["version"]?.int == 0)
            #expect(after["internalNotes"]?.string == "")
            #expect(after["replyDraft"]?.string == "")
            #expect(after["tags"]?.array?.isEmpty == true)
            await socket.close()
        }
    }
}
