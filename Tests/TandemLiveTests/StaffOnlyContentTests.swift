// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemTestSupport
import Testing

/// Staff-only content (internal comments, internal notes, the reply draft, tags, mentions in
/// internal comments) is written with a marker, and every path by which a requester learns
/// about a ticket is walked: REST views, history, search, listings, notifications and their
/// counts, every live frame, and every e-mail (the real SMTP server of `scripts/test.sh`, when it
/// runs). The marker never arrives. Requesters are a customer and an agent of another team, who
/// reads the ticket only as its requester (the public view).
@Suite("Staff-only content never reaches a requester")
struct StaffOnlyContentTests {
    static let marker = "ZQXMARKER"

    @Test("internal work with a marker, mentioning the requester, reaches no requester by any path")
    func markerNeverReachesRequesters() async throws {
        // Notification e-mail goes to the test SMTP server, which keeps every message.
        let mail = LiveOptions(configure: { configuration in
            guard let url = SMTPSink.service.url else { return }
            configuration.mail.smtpURL = url
            configuration.mail.tls = "none"
            configuration.mail.pollMilliseconds = 50
        })
        try await LiveServer.run(mail) { server in
            let agent = server.agents[0]
            let requesters = [server.customers[0], server.outsider]
            var sockets: [LiveTestClient] = []
            var tickets: [String] = []
            for requester in requesters {
                // Staff file tickets for customers. The outsider files its own into triage, and an agent
                // moves it into the agents' team, where the outsider reads it only as its requester.
                let ticket: String
                if requester.user.role == .customer {
                    ticket = try await server.createTicket(as: agent, requester: requester, team: server.team)
                } else {
                    ticket = try await server.createOwnTicket(as: requester, team: nil)
                    let moved = try await server.request(
                        .patch, "/api/v1/tickets/\(ticket)", as: agent, body: ["team": server.team.id.rawValue])
                    #expect(moved.status == 200, "\(moved)")
                }
                tickets.append(ticket)
                let socket = try await server.connect(requester, name: "requester \(requester.user.name)")
                #expect(try await socket.subscribe("ticket:\(ticket)").type == "snapshot")
                #expect(try await socket.subscribe("notifications").type == "notifications")
                sockets.append(socket)
            }

            let marker = Self.marker
            for (ticket, requester) in zip(tickets, requesters) {
                let agentSocket = try await server.connect(agent)
                let snapshot = try await agentSocket.subscribe("ticket:\(ticket)")
                let writer = TicketWriter(agentSocket, ticket: ticket, version: snapshot.json["v"]?.int ?? 0)
                #expect(try await writer.text(.internalNotes, ["\(marker) note"]).type == "ack")
                #expect(try await writer.text(.replyDraft, ["\(marker) draft"]).type == "ack")
                #expect(
                    try await writer.submit(op: ["kind": "tags", "add": [marker.lowercased()], "remove": [String]()]).type
                        == "ack")
                // An internal comment that mentions the requester, live and over REST.
                let live = try await writer.submit(comment: [
                    "body": "\(marker) live internal", "visibility": "internal", "mentions": [requester.id],
                    "fromDraft": false,
                ])
                #expect(live.type == "ack", "\(live)")
                let rest = try await server.request(
                    .post, "/api/v1/tickets/\(ticket)/comments", as: agent,
                    body: ["body": "\(marker) rest internal", "visibility": "internal", "mentions": [requester.id]])
                #expect(rest.status == 201, "\(rest)")
                // A colleague mentioned in the same way is notified: the rule narrows, it does not mute.
                let colleague = server.agents[1]
                let colleagueNotes = try await server.request(.get, "/api/v1/notifications", as: colleague)
                let before = colleagueNotes.json["items"]?.array?.count ?? 0
                #expect(
                    try await writer.submit(comment: [
                        "body": "\(marker) for a colleague", "visibility": "internal", "mentions": [colleague.id],
                        "fromDraft": false,
                    ]).type == "ack")
                try await waitUntil("the colleague's mention") {
                    let notes = try await server.request(.get, "/api/v1/notifications", as: colleague)
                    return (notes.json["items"]?.array?.count ?? 0) > before
                }
                // Public work still reaches the requester, so the walk below sees real traffic.
                #expect(try await writer.comment("We are looking into it.", visibility: "public").type == "ack")
                await agentSocket.close()
            }

            for ((ticket, requester), socket) in zip(zip(tickets, requesters), sockets) {
                let name = requester.user.name
                _ = try await socket.inbox.next("the public reply for \(name)") {
                    $0.type == "op" && $0.json["op"]?["change"]?["kind"]?.string == "comment"
                }
                let paths = [
                    "/api/v1/tickets/\(ticket)", "/api/v1/tickets/\(ticket)/history", "/api/v1/tickets",
                    "/api/v1/tickets?q=\(marker)", "/api/v1/tickets?tag=\(marker.lowercased())",
                    "/api/v1/notifications", "/api/v1/notifications?unread=true",
                ]
                for path in paths {
                    let reply = try await server.request(.get, path, as: requester)
                    #expect(reply.status == 200, "\(name) \(path): \(reply)")
                    #expect(!"\(reply.json)".contains(marker), "\(name) \(path) leaked: \(reply)")
                    #expect(!"\(reply.json)".lowercased().contains(marker.lowercased()), "\(name) \(path) leaked: \(reply)")
                }
                let search = try await server.request(.get, "/api/v1/tickets?q=\(marker)", as: requester)
                #expect(search.json["items"]?.array?.isEmpty == true, "search found staff-only text for \(name): \(search)")
                let notes = try await server.request(.get, "/api/v1/notifications", as: requester)
                let kinds = notes.json["items"]?.array?.compactMap { $0["kind"]?.string } ?? []
                #expect(!kinds.contains("mention"), "\(name) was told of an internal mention: \(notes)")
                #expect(
                    notes.json["unread"]?.int == Int64(kinds.count), "the unread count counts only what \(name) may see: \(notes)"
                )

                try await socket.ping()
                let frames = socket.inbox.all
                for frame in frames {
                    #expect(!frame.text.lowercased().contains(marker.lowercased()), "\(name) got \(frame)")
                    #expect(
                        !(frame.type == "notification" && frame.json["notification"]?["kind"]?.string == "mention"),
                        "\(name) got \(frame)")
                }
                await socket.close()
            }

            // E-mail: the requesters were told of their ticket and of the public reply, and of nothing
            // staff-only; the colleague's mention mail (they may read internal notes) holds the marker.
            guard SMTPSink.service.url != nil else { return }
            for requester in requesters {
                let received = try await SMTPSink.waitForMessages(to: requester.user.email, count: 2)
                for message in received {
                    let seen = [
                        message.data, message.parsed.text ?? "", message.parsed.html ?? "",
                        message.parsed.header("Subject") ?? "",
                    ]
                    .joined(separator: "\n").lowercased()
                    #expect(!seen.contains(marker.lowercased()), "\(requester.user.name) got by e-mail: \(message.data)")
                }
                let kinds = received.compactMap { $0.parsed.text }
                #expect(kinds.contains { $0.contains("We are looking into it.") }, "no reply mail for \(requester.user.name)")
            }
            let colleagueMail = try await SMTPSink.waitForMessages(to: server.agents[1].user.email)
            #expect(colleagueMail.contains { $0.parsed.text?.contains("\(marker) for a colleague") == true })
        }
    }

    private func waitUntil(_ what: String, _ condition: @Sendable () async throws -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        Issue.record("timed out waiting for \(what)")
    }
}
