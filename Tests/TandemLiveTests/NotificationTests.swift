// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemActors
import TandemCore
import Testing

/// The `notifications` topic: its list and count come from the store, and come again
/// whenever a connection re-checks, so that a push lost on the way is made good.
@Suite("Notifications")
struct NotificationTests {
    @Test("after node events were missed, each connection gets its notifications again from the store")
    func missedEventsResendNotifications() async throws {
        try await LiveServer.run { server in
            let agent = server.agents[0]
            let socket = try await server.connect(agent)
            let first = try await socket.subscribe("notifications")
            #expect(first.type == "notifications" && first.json["unread"]?.int == 0, "\(first)")
            // Written while this node's link to the event bus was down: its push never came.
            let ticket = try await server.createTicket(as: server.agents[1], requester: server.customers[0], team: server.team)
            let note = UserNotification(
                id: NotificationID("ntf_missed_\(UUID().uuidString.prefix(8))"), user: agent.user.id, kind: .mention,
                ticket: TicketID(ticket), actor: server.agents[1].user.id, text: "You were mentioned",
                createdAt: server.dependencies.clock.now())
            try await server.dependencies.store.createNotifications([note])
            #expect(try await socket.inbox.staysQuiet(for: .milliseconds(200)) { $0.type == "notification" })

            // The bus link comes back: the node re-checks every connection.
            await server.dependencies.actors.apply(.eventsMissed)
            let again = try await socket.inbox.next("notifications")
            #expect(again.json["ref"] == nil)
            #expect(again.json["unread"]?.int == 1)
            #expect(again.json["items"]?[0]?["id"]?.string == note.id.rawValue)
            await socket.close()
        }
    }

    @Test("notifications that cannot be read are an unavailable error, not an empty list")
    func unreadableNotificationsAreAnError() async throws {
        try await LiveServer.run(LiveOptions(controlledStore: true)) { server in
            let store = try #require(server.controlled)
            let agent = server.agents[1]
            let socket = try await server.connect(agent)
            store.failReads(of: agent.user.id)
            let refused = try await socket.subscribe("notifications")
            #expect(refused.type == "error" && refused.code == "unavailable", "\(refused)")
            store.failReads(of: nil)
            let listed = try await socket.subscribe("notifications")
            #expect(listed.type == "notifications", "\(listed)")
            await socket.close()
        }
    }
}
