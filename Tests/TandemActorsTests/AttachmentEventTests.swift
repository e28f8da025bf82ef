// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

@testable import TandemActors
import TandemCore
import TandemTestSupport
import Testing

/// A stored attachment is announced to the ticket's subscribers who may see it, and only to them.
@Suite struct AttachmentEventTests {
    @Test("a public comment's file reaches everyone; an internal comment's or the draft's only the staff view")
    func attachmentsFollowTheirVisibility() async throws {
        let fixture = try await TicketActorFixture.make()
        let actor = try await fixture.activate()
        try await fixture.subscribe(actor, 1)
        let customer = Principal(userID: UserID("usr_customer"), role: .customer)
        let requester = SubscriberInfo(address: fixture.address(2), user: customer.userID, name: "Cy", audience: .public)
        _ = try await actor.subscribe(SubscribeRequest(subscriber: requester, principal: customer, fromVersion: nil))

        func file(_ id: String, _ owner: AttachmentOwner, _ visibility: Visibility) -> TandemCore.Attachment {
            Attachment(
                id: AttachmentID(id), ticket: fixture.ticket, owner: owner, uploader: fixture.agent.userID, name: "\(id).txt",
                type: "text/plain", size: 3, sha256: String(repeating: "a", count: 64), visibility: visibility,
                createdAt: fixture.clock.now())
        }
        let shared = file("att_public", .comment(CommentID("cmt_1")), .public)
        let staffOnly = file("att_internal", .comment(CommentID("cmt_2")), .internal)
        let draft = file("att_draft", .draft, .public)
        let otherTicket = TandemCore.Attachment(
            id: AttachmentID("att_elsewhere"), ticket: TicketID("tkt_other"), owner: .draft, uploader: fixture.agent.userID,
            name: "x", type: "text/plain", size: 1, sha256: String(repeating: "b", count: 64), visibility: .public,
            createdAt: fixture.clock.now())
        for attachment in [shared, staffOnly, draft, otherTicket] { await actor.attachmentAdded(attachment) }

        func files(_ connection: UInt64) -> [String] {
            fixture.delivery.received(fixture.address(connection)).compactMap {
                if case .attachment(let topic, let attachment) = $0, topic == "ticket:\(fixture.ticket)" {
                    attachment.id.rawValue
                } else {
                    nil
                }
            }
        }
        #expect(files(1) == ["att_public", "att_internal", "att_draft"])
        #expect(files(2) == ["att_public"])
        await fixture.close()
    }
}
