// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemActors
import Testing

/// Permission changes must reach open subscriptions at once. These depend on the REST
/// controllers publishing identity events (team membership, disabling, logout).
@Suite("Permission changes on open connections")
struct PermissionTests {
    @Test("removing an agent from the team ends their ticket and queue subscriptions")
    func removalFromTeamUnsubscribes() async throws {
        try await LiveServer.run { server in
            let (removed, stays) = (server.agents[2], server.agents[1])
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let topic = "ticket:\(ticket)"
            let queue = "team:\(server.team.id.rawValue)"
            let socket = try await server.connect(removed)
            #expect(try await socket.subscribe(topic).type == "snapshot")
            #expect(try await socket.subscribe(queue).type == "queue")
            let colleague = try await server.connect(stays)
            #expect(try await colleague.subscribe(topic).type == "snapshot")

            let reply = try await server.request(
                .delete, "/api/v1/teams/\(server.team.id.rawValue)/members/\(removed.id)", as: server.admin)
            #expect(reply.status == 200, "\(reply)")

            let ended = try await socket.inbox.next("unsubscribed from the ticket", timeout: .seconds(3)) {
                $0.type == "unsubscribed" && $0.topic == topic
            }
            #expect(ended.json["reason"]?.string == "forbidden")
            _ = try await socket.inbox.next("unsubscribed from the queue", timeout: .seconds(3)) {
                $0.type == "unsubscribed" && $0.topic == queue
            }
            // No more ticket traffic for them; the colleague keeps theirs; the socket stays open.
            let mark = socket.inbox.mark
            try await server.setStatus(ticket, "open", as: server.agents[0])
            _ = try await colleague.inbox.next("op", topic: topic)
            #expect(try await socket.inbox.staysQuiet(for: .milliseconds(200), after: mark) { $0.type == "op" })
            let again = try await socket.subscribe(topic)
            #expect(again.type == "error" && ["forbidden", "not_found"].contains(again.code ?? ""), "\(again)")
            try await socket.ping()
            await socket.close()
            await colleague.close()
        }
    }

    @Test("moving an agent to a team role that still reads keeps the subscription")
    func roleChangeWithinTeamKeepsSubscription() async throws {
        try await LiveServer.run { server in
            let agent = server.agents[1]
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let socket = try await server.connect(agent)
            #expect(try await socket.subscribe("ticket:\(ticket)").type == "snapshot")
            let reply = try await server.request(
                .put, "/api/v1/teams/\(server.team.id.rawValue)/members/\(agent.id)", as: server.admin,
                body: ["role": "agent"])
            #expect(reply.status == 200, "\(reply)")
            #expect(try await socket.inbox.staysQuiet(for: .milliseconds(300)) { $0.type == "unsubscribed" })
            try await server.setStatus(ticket, "open", as: server.agents[0])
            _ = try await socket.inbox.next("op", topic: "ticket:\(ticket)")
            await socket.close()
        }
    }

    @Test("gaining the staff view of a subscribed ticket sends a fresh snapshot in that view")
    func audienceChangeSendsSnapshot() async throws {
        try await LiveServer.run { server in
            // A customer who filed a ticket reads it in the public view; then joins the support team.
            let requester = server.customers[1]
            let ticket = try await server.createTicket(as: server.agents[0], requester: requester, team: server.team)
            let socket = try await server.connect(requester)
            let first = try await socket.subscribe("ticket:\(ticket)")
            #expect(first.type == "snapshot")
            #expect(first.json["ticket"]?["replyDraft"] == nil, "public view: \(first)")
            let promoted = try await server.request(
                .patch, "/api/v1/users/\(requester.id)", as: server.admin, body: ["role": "agent"])
            #expect(promoted.status == 200, "\(promoted)")
            let joined = try await server.request(
                .put, "/api/v1/teams/\(server.team.id.rawValue)/members/\(requester.id)", as: server.admin,
                body: ["role": "agent"])
            #expect(joined.status == 200, "\(joined)")
            let fresh = try await socket.inbox.next("snapshot", topic: "ticket:\(ticket)")
            #expect(fresh.json["ticket"]?["replyDraft"]?.string == "", "staff view: \(fresh)")
            #expect(fresh.json["ticket"]?["internalNotes"] != nil, "staff view: \(fresh)")
            await socket.close()
        }
    }

    @Test("a re-check that cannot read the store keeps the connection; one that can still closes an ended session")
    func recheckDuringAStoreOutage() async throws {
        try await LiveServer.run(LiveOptions(controlledStore: true)) { server in
            let store = try #require(server.controlled)
            let agent = server.agents[2]
            let ticket = try await server.createTicket(as: server.agents[0], requester: server.customers[0], team: server.team)
            let socket = try await server.connect(agent)
            #expect(try await socket.subscribe("ticket:\(ticket)").type == "snapshot")
            let hello = try #require(socket.inbox.all.first { $0.type == "hello" }?.json["connection"]?.string)
            let parts = hello.split(separator: "/")
            let address = SubscriberAddress(node: String(parts[0]), connection: try #require(UInt64(parts[1])))
            // The database cannot say who the agent is: the connection is not taken for a revoked one.
            store.failReads(of: agent.user.id)
            server.dependencies.hub.recheck(address)
            #expect(try await socket.inbox.staysQuiet(for: .milliseconds(500)) { $0.type == "unsubscribed" })
            #expect(!socket.inbox.isClosed, "\(socket.inbox.closeInfo.map(String.init(describing:)) ?? "")")
            store.failReads(of: nil)
            try await server.setStatus(ticket, "open", as: server.agents[0])
            _ = try await socket.inbox.next("op", topic: "ticket:\(ticket)")
            // With the store back, a re-check of a disabled account closes the socket.
            let disabled = try await server.request(
                .patch, "/api/v1/users/\(agent.id)", as: server.admin, body: ["disabled": true])
            #expect(disabled.status == 200, "\(disabled)")
            #expect(try await socket.inbox.waitForClose(timeout: .seconds(3)).code == 4001)
        }
    }

    @Test("disabling a user closes their socket with 4001")
    func disablingClosesSocket() async throws {
        try await LiveServer.run { server in
            let agent = server.agents[2]
            let socket = try await server.connect(agent)
            let reply = try await server.request(.patch, "/api/v1/users/\(agent.id)", as: server.admin, body: ["disabled": true])
            #expect(reply.status == 200, "\(reply)")
            let closed = try await socket.inbox.waitForClose(timeout: .seconds(3))
            #expect(closed.code == 4001, "\(closed)")
            // The token no longer opens a connection.
            let retry = try? await LiveTestClient.connect(port: server.port, token: agent.token, name: "retry")
            if let retry {
                #expect(try await retry.inbox.staysQuiet(for: .milliseconds(300)) { $0.type == "hello" })
                await retry.close()
            }
        }
    }

    @Test("a token that just upgraded is refused on its next upgrade right after logout (no stale identity)")
    func logoutBeatsTheUpgradeCache() async throws {
        try await LiveServer.run { server in
            let agent = server.agents[1]
            // Several upgrades with one token in a burst: they share one check.
            let sockets = try await withThrowingTaskGroup(of: LiveTestClient.self) { group in
                for index in 0..<8 { group.addTask { try await server.connect(agent, name: "burst \(index)") } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(sockets.count == 8)
            let accepted = try await HandshakeTests.upgrade(port: server.port, origin: "ws://127.0.0.1", token: agent.token)
            #expect(accepted.status.code == 101, "\(accepted.status)")
            let reply = try await server.request(.post, "/api/v1/auth/logout", as: agent)
            #expect((200..<300).contains(reply.status), "\(reply)")
            // Well within the cache's lifetime: the revocation must win.
            let refused = try await HandshakeTests.upgrade(port: server.port, origin: "ws://127.0.0.1", token: agent.token)
            #expect(refused.status.code == 401, "\(refused.status)")
            for socket in sockets { await socket.close() }
        }
    }

    @Test("replaying a rotated refresh token revokes the session and closes its socket with 4001")
    func refreshTokenReuseClosesSocket() async throws {
        try await LiveServer.run { server in
            let agent = server.agents[1]
            let issued = try await server.dependencies.server.authService().openSession(
                for: agent.user, address: nil, userAgent: "t")
            let person = Person(user: agent.user, token: issued.accessToken)
            let socket = try await server.connect(person)
            let rotated = try await server.request(
                .post, "/api/v1/auth/refresh", as: person, body: ["refreshToken": issued.sessionToken])
            #expect(rotated.status == 200, "\(rotated)")
            // The old refresh token again: someone else has it.
            let replayed = try await server.request(
                .post, "/api/v1/auth/refresh", as: agent, body: ["refreshToken": issued.sessionToken])
            #expect(replayed.status == 401 && replayed.json["error"]?["code"]?.string == "invalid_refresh_token", "\(replayed)")
            let closed = try await socket.inbox.waitForClose(timeout: .seconds(3))
            #expect(closed.code == 4001, "\(closed)")
        }
    }

    @Test("logging out closes that session's socket with 4001 and leaves other sessions open")
    func logoutClosesSocket() async throws {
        try await LiveServer.run { server in
            let agent = server.agents[1]
            let other = try await server.newSession(agent)
            let socket = try await server.connect(agent)
            let otherSocket = try await server.connect(other, name: "other device")
            let reply = try await server.request(.post, "/api/v1/auth/logout", as: agent)
            #expect((200..<300).contains(reply.status), "\(reply)")
            let closed = try await socket.inbox.waitForClose(timeout: .seconds(3))
            #expect(closed.code == 4001, "\(closed)")
            try await otherSocket.ping()
            await otherSocket.close()
        }
    }
}
