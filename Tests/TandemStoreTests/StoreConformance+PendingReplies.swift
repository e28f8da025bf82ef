// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

/// The shared draft's mode and replies in their undo window: stored with the ticket, and
/// found again when they are due (what a restarted node publishes).
extension StoreConformance {
    static func pendingReplies(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let customer = fixtures.user(name: "Zoë", role: .customer)
        let agent = fixtures.user(name: "Grace")
        try await store.createUser(customer)
        try await store.createUser(agent)
        let quiet = fixtures.ticket(requester: customer.id)
        try await store.createTicket(quiet)
        let ticket = fixtures.ticket(requester: customer.id)
        try await store.createTicket(ticket)
        #expect(try await store.ticketsWithDueReplies(at: Timestamp(millisecondsSince1970: .max), limit: 10).isEmpty)

        // Internal mode, text written in it, then a public reply sent into its undo window.
        let reply = fixtures.comment(author: agent.id, body: "Fixed in 2.4.1 ✅", visibility: .public)
        let publishAt = fixtures.advance().adding(milliseconds: 10_000)
        let ops = [
            fixtures.op(.draftMode(.internal), version: 1, author: agent.id),
            fixtures.op(.text(.replyDraft, .inserting("INTERNAL ONLY", at: 0)), version: 2, author: agent.id),
            fixtures.op(.pendingReply(PendingReply(comment: reply, publishAt: publishAt)), version: 3, author: agent.id),
        ]
        let pending = try ticket.applying(ops)
        #expect(pending.replyDraftMode.internalAuthors == [agent.id])
        try await store.commit(ticket: ticket.id, ops: ops, snapshot: pending)

        let loaded = try #require(try await store.loadTicket(id: ticket.id))
        #expect(loaded.snapshot == pending)
        #expect(
            loaded.snapshot.replyDraftMode
                == DraftMode(
                    visibility: .internal, setBy: agent.id, setAt: ops[0].at, internalAuthors: [agent.id]))
        #expect(loaded.snapshot.pendingReplies == [PendingReply(comment: reply, publishAt: publishAt)])
        #expect(try await store.ops(ticket: ticket.id, after: 0, through: 3) == ops)

        // Due only once the window has passed; the quiet ticket never.
        let before = Timestamp(millisecondsSince1970: publishAt.millisecondsSince1970 - 1)
        #expect(try await store.ticketsWithDueReplies(at: before, limit: 10).isEmpty)
        #expect(try await store.ticketsWithDueReplies(at: publishAt, limit: 10) == [ticket.id])
        #expect(try await store.ticketsWithDueReplies(at: publishAt, limit: 0).isEmpty)

        // Published: the snapshot holds the comment and nothing is due any more.
        let publish = fixtures.op(.comment(reply), version: 4, author: agent.id, client: nil, seq: nil)
        let published = try pending.applying([publish])
        #expect(published.pendingReplies.isEmpty && published.comments == [reply])
        try await store.commit(ticket: ticket.id, ops: [publish], snapshot: published)
        #expect(try await store.ticketsWithDueReplies(at: Timestamp(millisecondsSince1970: .max), limit: 10).isEmpty)
        #expect(try await store.loadTicket(id: ticket.id)?.snapshot == published)
    }
}
