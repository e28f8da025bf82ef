// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

@Suite("A public reply's undo window")
struct PendingReplyTests {
    /// A node whose public replies by staff wait `milliseconds` before the customer can see them.
    static func window(_ milliseconds: Int) -> LiveOptions {
        LiveOptions(configure: { $0.replies.undoMilliseconds = milliseconds })
    }

    @Test("during the window the customer sees nothing of the reply; after it, exactly one comment and one notification")
    func customerSeesNothingUntilPublished() async throws {
        try await LiveServer.run(Self.window(6_000)) { server in
            let (grace, bob, customer) = (server.agents[0], server.agents[1], server.customers[0])
            let ticket = try await server.createTicket(as: grace, requester: customer, team: server.team)
            let topic = "ticket:\(ticket)"
            let marker = "MARKER-REPLY-7731"
            let customerSocket = try await server.connect(customer)
            _ = try await customerSocket.subscribe(topic)
            _ = try await customerSocket.subscribe("notifications")
            let bobSocket = try await server.connect(bob)
            _ = try await bobSocket.subscribe(topic)
            let (graceSocket, writer) = try await server.writer(grace, ticket: ticket)
            let unreadBefore = try await server.dependencies.store.unreadCount(of: customer.user.id)

            #expect(try await writer.comment("\(marker) We replaced the printer.", visibility: "public").type == "ack")
            // Staff see it pending, live.
            let pending = try await bobSocket.inbox.next("pending reply") {
                $0.type == "op" && $0.json["op"]?["change"]?["kind"]?.string == "reply"
            }
            let publishAt = try #require(pending.json["op"]?["change"]?["reply"]?["publishAt"]?.int)
            let commentID = try #require(pending.json["op"]?["change"]?["reply"]?["comment"]?["id"]?.string)

            // The customer: no REST view, no listing hit, no search hit, no count, no notification, no frame.
            let view = try await server.ticket(ticket, as: customer)
            #expect(view["comments"]?.array?.isEmpty == true, "\(view)")
            #expect(view["pendingReplies"] == nil && view["firstResponseAt"] == nil, "\(view)")
            let history = try await server.request(.get, "/api/v1/tickets/\(ticket)/history", as: customer)
            #expect(!history.json.description.contains(commentID), "\(history)")
            let search = try await server.request(.get, "/api/v1/tickets?q=\(marker)", as: customer)
            #expect(search.json["items"]?.array?.isEmpty == true, "\(search)")
            #expect(try await server.dependencies.store.unreadCount(of: customer.user.id) == unreadBefore)
            try await customerSocket.ping()
            #expect(customerSocket.inbox.all.allSatisfy { !$0.text.contains(marker) && !$0.text.contains(commentID) })
            // These checks ran inside the window: the reply is still pending for staff now.
            let staffView = try await server.ticket(ticket, as: bob)
            try #require(staffView["pendingReplies"]?.array?.count == 1, "the window ended before the checks; \(staffView)")

            // After the window: published once, live and by REST, with one notification.
            let published = try await customerSocket.inbox.next("the published reply", timeout: .seconds(30)) {
                $0.type == "op" && $0.json["op"]?["change"]?["comment"]?["id"]?.string == commentID
            }
            #expect(published.json["op"]?["change"]?["comment"]?["body"]?.string == "\(marker) We replaced the printer.")
            #expect(published.json["op"]?["author"]?.string == grace.id)
            _ = try await customerSocket.inbox.next("notification", topic: "notifications", timeout: .seconds(10))
            #expect(server.dependencies.clock.now().millisecondsSince1970 >= publishAt)
            let after = try await server.ticket(ticket, as: customer)
            #expect(after["comments"]?.array?.map { $0["id"]?.string } == [commentID])
            let bobAfter = try await server.ticket(ticket, as: bob)
            #expect(bobAfter["pendingReplies"]?.array?.isEmpty == true)
            #expect(bobAfter["comments"]?.array?.count == 1)
            // Exactly once: upkeep and the store sweep keep running, and nothing is published again.
            let mark = customerSocket.inbox.mark
            #expect(try await customerSocket.inbox.staysQuiet(for: .seconds(3), after: mark) { $0.text.contains(commentID) })
            #expect(try await server.dependencies.store.unreadCount(of: customer.user.id) == unreadBefore + 1)
            for socket in [customerSocket, bobSocket, graceSocket] { await socket.close() }
        }
    }

    @Test("undo inside the window takes the reply back into the draft; the customer never sees it; a second undo is refused")
    func undoReturnsTheTextToTheDraft() async throws {
        try await LiveServer.run(Self.window(120_000)) { server in
            let (grace, bob, customer) = (server.agents[0], server.agents[1], server.customers[0])
            let ticket = try await server.createTicket(as: grace, requester: customer, team: server.team)
            let topic = "ticket:\(ticket)"
            let customerSocket = try await server.connect(customer)
            _ = try await customerSocket.subscribe(topic)
            let (graceSocket, writer) = try await server.writer(grace, ticket: ticket)
            #expect(try await writer.text(.replyDraft, ["UNDO-ME refund approved"]).type == "ack")
            #expect(try await writer.submit(comment: ["visibility": "public", "fromDraft": true]).type == "ack")
            let sent = try await server.ticket(ticket, as: grace)
            #expect(sent["replyDraft"]?.string == "")
            let id = try #require(sent["pendingReplies"]?[0]?["comment"]?["id"]?.string, "\(sent)")
            // Something typed meanwhile stays below the returned text.
            #expect(try await writer.text(.replyDraft, ["P.S."]).type == "ack")

            // The customer cannot undo; a colleague can, and the text comes back to the draft for everyone.
            let byCustomer = try await server.request(.post, "/api/v1/tickets/\(ticket)/comments/\(id)/undo", as: customer)
            #expect(byCustomer.status == 403, "\(byCustomer)")
            let undone = try await server.request(.post, "/api/v1/tickets/\(ticket)/comments/\(id)/undo", as: bob)
            #expect(undone.status == 200, "\(undone)")
            #expect(undone.json["pendingReplies"]?.array?.isEmpty == true)
            #expect(undone.json["replyDraft"]?.string == "UNDO-ME refund approved\n\nP.S.")
            #expect(undone.json["comments"]?.array?.isEmpty == true)
            let draftOp = try await graceSocket.inbox.next("the draft restored") {
                $0.type == "op" && $0.json["op"]?["change"]?["field"]?.string == "replyDraft"
                    && $0.json["op"]?["author"]?.string == bob.id
            }
            #expect(draftOp.json["op"]?["change"]?["op"]?[0]?.string == "UNDO-ME refund approved\n\n")
            let again = try await server.request(.post, "/api/v1/tickets/\(ticket)/comments/\(id)/undo", as: bob)
            #expect(again.status == 409 && again.json["error"]?["code"]?.string == "reply_not_pending", "\(again)")

            try await customerSocket.ping()
            #expect(customerSocket.inbox.all.allSatisfy { !$0.text.contains("UNDO-ME") && !$0.text.contains(id) })
            let view = try await server.ticket(ticket, as: customer)
            #expect(view["comments"]?.array?.isEmpty == true, "\(view)")
            for socket in [customerSocket, graceSocket] { await socket.close() }
        }
    }

    @Test("internal notes and the customer's own replies never wait")
    func onlyStaffPublicRepliesWait() async throws {
        try await LiveServer.run(Self.window(120_000)) { server in
            let (grace, customer) = (server.agents[0], server.customers[0])
            let ticket = try await server.createTicket(as: grace, requester: customer, team: server.team)
            let (graceSocket, writer) = try await server.writer(grace, ticket: ticket)
            #expect(try await writer.comment("note to self", visibility: "internal").type == "ack")
            let byCustomer = try await server.request(
                .post, "/api/v1/tickets/\(ticket)/comments", as: customer, body: ["body": "Any news?", "visibility": "public"])
            #expect(byCustomer.status == 201, "\(byCustomer)")
            let view = try await server.ticket(ticket, as: grace)
            #expect(view["comments"]?.array?.count == 2 && view["pendingReplies"]?.array?.isEmpty == true, "\(view)")
            // Only the server makes pending replies and their withdrawal.
            let comment: [String: Any] = [
                "id": "cmt_01JD8Z3K4M7Q2W5E9R1T3Y6V8Q", "author": grace.id, "body": "forged", "visibility": "public",
                "mentions": [String](), "createdAt": 1,
            ]
            for change in [
                ["kind": "reply", "reply": ["comment": comment, "publishAt": 1]] as [String: Any],
                ["kind": "withdraw", "comment": "cmt_01JD8Z3K4M7Q2W5E9R1T3Y6V8P"],
            ] {
                let refused = try await writer.submit(op: change)
                #expect(refused.code == "invalid_value", "\(refused)")
            }
            await graceSocket.close()
        }
    }
}
