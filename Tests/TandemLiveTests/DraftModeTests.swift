// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@Suite("The shared reply draft's mode")
struct DraftModeTests {
    @Test("switching the draft to internal reaches every agent live with who did it, lasts, and never reaches the customer")
    func modeIsSharedDurableAndHidden() async throws {
        try await LiveServer.run { server in
            let (grace, bob, customer) = (server.agents[0], server.agents[1], server.customers[0])
            let ticket = try await server.createTicket(as: grace, requester: customer, team: server.team)
            let topic = "ticket:\(ticket)"
            let customerSocket = try await server.connect(customer)
            _ = try await customerSocket.subscribe(topic)
            let graceSocket = try await server.connect(grace)
            let graceSnapshot = try await graceSocket.subscribe(topic)
            #expect(graceSnapshot.json["ticket"]?["draftMode"]?["visibility"]?.string == "public")
            let bobSocket = try await server.connect(bob)
            _ = try await bobSocket.subscribe(topic)

            let writer = TicketWriter(graceSocket, ticket: ticket, version: graceSnapshot.json["v"]?.int ?? 0)
            #expect(try await writer.set("draftMode", "internal").type == "ack")
            #expect(try await writer.text(.replyDraft, ["INTERNAL ONLY: refund him quietly"]).type == "ack")

            // Bob's screen follows at once: the change, and its author.
            let change = try await bobSocket.inbox.next("draft mode op") {
                $0.type == "op" && $0.json["op"]?["change"]?["field"]?.string == "draftMode"
            }
            #expect(change.json["op"]?["change"]?["value"]?.string == "internal")
            #expect(change.json["op"]?["author"]?.string == grace.id)
            // Anyone opening the ticket now sees the mode, who set it and who wrote in it.
            let late = try await server.connect(server.newSession(bob), name: "bob again")
            let mode = try await late.subscribe(topic).json["ticket"]?["draftMode"]
            #expect(mode?["visibility"]?.string == "internal")
            #expect(mode?["setBy"]?.string == grace.id)
            #expect(mode?["setAt"]?.int != nil)
            #expect(mode?["internalAuthors"]?.array?.compactMap(\.string) == [grace.id])
            let staffView = try await server.ticket(ticket, as: bob)
            #expect(staffView["draftMode"]?["visibility"]?.string == "internal")

            // Durable: the store replays to the same mode.
            let stored = try #require(try await server.dependencies.store.loadTicket(id: TicketID(ticket)))
            var replayed = stored.snapshot
            for op in stored.ops { try replayed.apply(op, limits: TicketLimits()) }
            #expect(replayed.replyDraftMode.visibility == .internal)
            #expect(replayed.replyDraftMode.setBy == grace.user.id)

            // The customer never learns of the draft or its mode: not live, not by REST, not on resubscribing.
            try await customerSocket.ping()
            for frame in customerSocket.inbox.all {
                #expect(!frame.text.contains("draftMode") && !frame.text.contains("INTERNAL ONLY"), "\(frame)")
            }
            let customerView = try await server.ticket(ticket, as: customer)
            #expect(customerView["draftMode"] == nil && customerView["replyDraft"] == nil, "\(customerView)")
            let catchUp = try await customerSocket.subscribe(topic, from: 0)
            #expect(!catchUp.text.contains("draftMode"), "\(catchUp)")
            for socket in [customerSocket, graceSocket, bobSocket, late] { await socket.close() }
        }
    }

    @Test("sending publicly what a colleague wrote as an internal note is refused until the sender confirms")
    func publicSendOfOthersInternalTextNeedsConfirmation() async throws {
        try await LiveServer.run { server in
            let (grace, bob, customer) = (server.agents[0], server.agents[1], server.customers[0])
            let ticket = try await server.createTicket(as: grace, requester: customer, team: server.team)
            let (graceSocket, graceWriter) = try await server.writer(grace, ticket: ticket)
            #expect(try await graceWriter.set("draftMode", "internal").type == "ack")
            #expect(try await graceWriter.text(.replyDraft, ["INTERNAL ONLY: he owes us 300 €"]).type == "ack")

            let (bobSocket, bobWriter) = try await server.writer(bob, ticket: ticket)
            #expect(try await bobWriter.set("draftMode", "public").type == "ack")
            let refused = try await bobWriter.submit(comment: ["visibility": "public", "fromDraft": true])
            #expect(refused.code == "confirmation_required", "\(refused)")
            #expect(refused.json["message"]?.string?.contains(grace.id) == true, "\(refused)")
            var after = try await server.ticket(ticket, as: bob)
            #expect(after["replyDraft"]?.string == "INTERNAL ONLY: he owes us 300 €")
            #expect(after["comments"]?.array?.isEmpty == true)

            // Grace herself may send her own text; Bob may after confirming.
            let confirmed = try await bobWriter.submit(comment: [
                "visibility": "public", "fromDraft": true, "confirmInternal": true,
            ])
            #expect(confirmed.type == "ack", "\(confirmed)")
            after = try await server.ticket(ticket, as: bob)
            #expect(after["replyDraft"]?.string == "")
            #expect(after["draftMode"]?["internalAuthors"]?.array?.isEmpty == true, "an emptied draft holds nobody's text")
            #expect(after["comments"]?.array?.first?["body"]?.string == "INTERNAL ONLY: he owes us 300 €")
            for socket in [graceSocket, bobSocket] { await socket.close() }
        }
    }

    @Test("a send made without seeing a colleague's mode change is refused with draft_mode_changed, and nothing is posted")
    func unseenModeChangeRefusesTheSend() async throws {
        try await LiveServer.run { server in
            let (grace, bob, customer) = (server.agents[0], server.agents[1], server.customers[0])
            let ticket = try await server.createTicket(as: grace, requester: customer, team: server.team)
            let (graceSocket, graceWriter) = try await server.writer(grace, ticket: ticket)
            #expect(try await graceWriter.text(.replyDraft, ["Your refund is on its way."]).type == "ack")
            let seen = graceWriter.version

            let (bobSocket, bobWriter) = try await server.writer(bob, ticket: ticket)
            #expect(try await bobWriter.set("draftMode", "internal").type == "ack")

            // Grace pressed Send on the version before Bob's switch.
            let refused = try await graceWriter.submit(comment: ["visibility": "public", "fromDraft": true], version: seen)
            #expect(refused.code == "draft_mode_changed", "\(refused)")
            let after = try await server.ticket(ticket, as: grace)
            #expect(after["replyDraft"]?.string == "Your refund is on its way.")
            #expect(after["comments"]?.array?.isEmpty == true && after["pendingReplies"]?.array?.isEmpty == true)
            // Her own switch does not count against her.
            #expect(try await graceWriter.set("draftMode", "public").type == "ack")
            let sent = try await graceWriter.submit(comment: ["visibility": "public", "fromDraft": true])
            #expect(sent.type == "ack", "\(sent)")
            for socket in [graceSocket, bobSocket] { await socket.close() }
        }
    }
}
