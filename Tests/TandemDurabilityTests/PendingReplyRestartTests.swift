// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// A public reply acknowledged inside its undo window survives `kill -9` and is published
/// once by the restarted server, which the customer sees only then.
@Suite(.serialized, .timeLimit(.minutes(2))) struct PendingReplyRestartTests {
    @Test(arguments: DurabilityStore.available)
    func aPendingReplyIsPublishedOnceAfterAKill(_ store: DurabilityStore) async throws {
        let fixture = try await DurabilityFixture(store, arguments: ["--set", "replies.undoMilliseconds=5000"])
        var api = fixture.api
        _ = try await api.createUser(
            token: fixture.token, email: "zoe@example.com", name: "Zoë", role: "customer", password: DurabilityFixture.password)
        let customer = try await api.login(email: "zoe@example.com", password: DurabilityFixture.password)
        let created = try await api.json(
            .post, "/api/v1/tickets", token: customer, body: ["subject": "Printer", "description": "On fire."])
        let ticket = try #require(created.json["id"] as? String, "\(created)")

        let sent = try await api.json(
            .post, "/api/v1/tickets/\(ticket)/comments", token: fixture.token,
            body: ["body": "RESTART-REPLY a new printer is on its way", "visibility": "public"])
        #expect(sent.status == 201, "\(sent)")
        #expect((sent.json["pendingReplies"] as? [Any])?.count == 1, "\(sent)")
        let before = try await api.json(.get, "/api/v1/tickets/\(ticket)", token: customer)
        #expect((before.json["comments"] as? [Any])?.isEmpty == true, "\(before)")

        // Killed inside the window: nothing was published yet, and nothing acknowledged is lost.
        fixture.server.kill(SIGKILL)
        _ = await fixture.server.waitForExit(timeout: .seconds(10))
        try await fixture.restart()
        api = fixture.api

        let deadline = ContinuousClock.now + .seconds(40)
        var comments: [[String: Any]] = []
        while ContinuousClock.now < deadline {
            let view = try await api.json(.get, "/api/v1/tickets/\(ticket)", token: customer)
            comments = view.json["comments"] as? [[String: Any]] ?? []
            if !comments.isEmpty { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(comments.count == 1, "published after the restart: \(comments)")
        #expect((comments.first?["body"] as? String) == "RESTART-REPLY a new printer is on its way")
        let staff = try await api.json(.get, "/api/v1/tickets/\(ticket)", token: fixture.token)
        #expect((staff.json["pendingReplies"] as? [Any])?.isEmpty == true, "\(staff)")
        #expect((staff.json["comments"] as? [Any])?.count == 1, "published exactly once: \(staff)")
        fixture.server.kill(SIGTERM)
        _ = await fixture.server.waitForExit(timeout: .seconds(10))
    }
}
