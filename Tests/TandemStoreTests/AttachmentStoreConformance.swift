// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

/// One behaviour every ``AttachmentStore`` must have, run against SQLite and MongoDB
/// (`AttachmentStoreTests`).
enum AttachmentStoreCheck: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case roundTrip
    case quotaPerTicket
    case draftMovesToComment
    case unknownTicket
    case deleteAndAddresses
    case goWithTheirTicket

    var testDescription: String { rawValue }

    func run(_ factory: ConformanceStoreFactory) async throws {
        try await StoreConformance.withStore(factory) { store in
            var fixtures = Fixtures()
            let agent = fixtures.user(role: .agent)
            let customer = fixtures.user(role: .customer)
            try await store.createUser(agent)
            try await store.createUser(customer)
            let ticket = fixtures.ticket(requester: customer.id)
            try await store.createTicket(ticket)
            func attachment(
                _ owner: AttachmentOwner, size: Int64 = 100, sha: String = String(repeating: "a", count: 64),
                visibility: Visibility = .internal, name: String = "log.txt"
            ) -> TandemCore.Attachment {
                let id: AttachmentID = fixtures.tick("att")
                return TandemCore.Attachment(
                    id: id, ticket: ticket.id, owner: owner, uploader: agent.id, name: name, type: "text/plain", size: size,
                    sha256: sha, visibility: visibility, createdAt: fixtures.now)
            }
            switch self {
            case .roundTrip:
                var image = attachment(.comment(CommentID("cmt_1")), visibility: .public, name: "Écran 📸.png")
                image.type = "image/png"
                image.thumbnail = String(repeating: "b", count: 64)
                image.width = 640
                image.height = 480
                let note = attachment(.draft)
                #expect(try await store.addAttachment(image, ticketQuota: 1000) == .added)
                #expect(try await store.addAttachment(note, ticketQuota: 1000) == .added)
                #expect(try await store.attachment(id: image.id) == image)
                #expect(try await store.attachments(ticket: ticket.id) == [image, note])
                #expect(try await store.attachment(id: AttachmentID("att_missing")) == nil)
                await #expect(throws: StoreError.duplicate(kind: "attachment", field: "id")) {
                    _ = try await store.addAttachment(note, ticketQuota: 1000)
                }
            case .quotaPerTicket:
                #expect(try await store.addAttachment(attachment(.draft, size: 600), ticketQuota: 1000) == .added)
                #expect(try await store.addAttachment(attachment(.draft, size: 400), ticketQuota: 1000) == .added)
                let over = attachment(.draft, size: 1)
                #expect(try await store.addAttachment(over, ticketQuota: 1000) == .overQuota(used: 1000))
                #expect(try await store.attachment(id: over.id) == nil)
                #expect(try await store.attachments(ticket: ticket.id).count == 2)
            case .draftMovesToComment:
                let earlier = attachment(.comment(CommentID("cmt_0")), visibility: .public)
                let first = attachment(.draft)
                let second = attachment(.draft)
                for a in [earlier, first, second] { _ = try await store.addAttachment(a, ticketQuota: 10_000) }
                let moved = try await store.moveDraftAttachments(ticket: ticket.id, to: CommentID("cmt_9"), visibility: .public)
                #expect(moved.map(\.id) == [first.id, second.id])
                #expect(moved.allSatisfy { $0.owner == .comment(CommentID("cmt_9")) && $0.visibility == .public })
                #expect(try await store.attachment(id: earlier.id) == earlier)
                // Nothing is left on the draft: a second send moves nothing.
                #expect(
                    try await store.moveDraftAttachments(ticket: ticket.id, to: CommentID("cmt_10"), visibility: .internal)
                        .isEmpty)
            case .unknownTicket:
                var stray = attachment(.draft)
                stray.ticket = TicketID("tkt_missing")
                await #expect(throws: StoreError.notFound(kind: "ticket", id: "tkt_missing")) {
                    _ = try await store.addAttachment(stray, ticketQuota: 1000)
                }
            case .deleteAndAddresses:
                let shaA = String(repeating: "a", count: 64)
                let shaC = String(repeating: "c", count: 64)
                var one = attachment(.draft, sha: shaA)
                one.thumbnail = String(repeating: "d", count: 64)
                let two = attachment(.draft, sha: shaA)
                let three = attachment(.draft, sha: shaC)
                for a in [one, two, three] { _ = try await store.addAttachment(a, ticketQuota: 10_000) }
                #expect(try await store.attachmentAddresses() == [shaA, shaC, String(repeating: "d", count: 64)])
                #expect(try await store.deleteAttachment(id: one.id) == one)
                #expect(try await store.deleteAttachment(id: one.id) == nil)
                // The same bytes are still named by `two`.
                #expect(try await store.attachmentAddresses() == [shaA, shaC])
                try await store.deleteAttachments(ticket: ticket.id)
                #expect(try await store.attachmentAddresses().isEmpty)
            case .goWithTheirTicket:
                let closed = fixtures.ticket(status: .closed, requester: customer.id)
                try await store.createTicket(closed)
                var old = attachment(.draft)
                old.ticket = closed.id
                _ = try await store.addAttachment(old, ticketQuota: 1000)
                let kept = attachment(.draft, sha: String(repeating: "e", count: 64))
                _ = try await store.addAttachment(kept, ticketQuota: 1000)
                _ = try await store.purge(
                    RetentionPolicy(now: fixtures.now.adding(seconds: 3 * 86_400), closedTicketAge: .seconds(86_400)))
                #expect(try await store.attachment(id: old.id) == nil)
                #expect(try await store.attachment(id: kept.id) == kept)
            }
        }
    }
}
