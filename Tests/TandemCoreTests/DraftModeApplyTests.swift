// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

@testable import TandemCore

@Suite("Tickets: the draft's mode and pending replies")
struct DraftModeApplyTests {
    let grace = UserID("usr_grace")
    let bob = UserID("usr_bob")
    let customer = UserID("usr_customer")
    let limits = TicketLimits()

    func ticket() -> Ticket {
        Ticket(
            id: TicketID("tkt_1"), subject: "Printer on fire", description: "Help", status: .open, requester: customer,
            createdAt: Timestamp(millisecondsSince1970: 1_000))
    }

    func op(_ t: Ticket, _ change: TicketChange, by author: UserID, at ms: Int64 = 2_000) -> TicketOp {
        TicketOp(
            version: t.version + 1, change: change, author: author, at: Timestamp(millisecondsSince1970: ms), client: nil,
            seq: nil)
    }

    func insert(_ text: String, at position: Int = 0) -> TicketChange {
        var operation = TextOperation()
        operation.retain(position)
        operation.insert(text)
        return .text(.replyDraft, operation)
    }

    @Test func internalAuthorsAreWhoWroteWhileInternalUntilTheDraftEmpties() throws {
        var t = ticket()
        try t.apply(op(t, insert("public "), by: bob), limits: limits)
        try t.apply(op(t, .draftMode(.internal), by: grace, at: 3_000), limits: limits)
        #expect(
            t.replyDraftMode == DraftMode(visibility: .internal, setBy: grace, setAt: Timestamp(millisecondsSince1970: 3_000)))
        try t.apply(op(t, insert("secret", at: 7), by: grace), limits: limits)
        try t.apply(op(t, .draftMode(.public), by: bob), limits: limits)
        try t.apply(op(t, insert("!", at: 13), by: bob), limits: limits)
        #expect(t.replyDraftMode.internalAuthors == [grace])
        #expect(t.replyDraftMode.internalAuthors(besides: grace).isEmpty)
        #expect(t.replyDraftMode.internalAuthors(besides: bob) == [grace])
        var clear = TextOperation()
        clear.delete(t.replyDraft.count)
        try t.apply(op(t, .text(.replyDraft, clear), by: bob), limits: limits)
        #expect(t.replyDraftMode.internalAuthors.isEmpty)
        #expect(t.history.filter { $0.field == "draftMode" }.map(\.isPublic) == [false, false])
    }

    @Test func aPendingReplyIsPublishedByItsCommentOrWithdrawnOnce() throws {
        var t = ticket()
        let reply = Comment(
            id: CommentID("cmt_1"), author: grace, body: "Fixed", visibility: .public,
            createdAt: Timestamp(millisecondsSince1970: 2_000))
        try t.apply(
            op(t, .pendingReply(PendingReply(comment: reply, publishAt: Timestamp(millisecondsSince1970: 12_000))), by: grace),
            limits: limits)
        #expect(t.nextReplyDue == Timestamp(millisecondsSince1970: 12_000))
        #expect(t.comments.isEmpty && t.firstResponseAt == nil)
        #expect(t.history.last?.isPublic == false)

        var withdrawn = t
        try withdrawn.apply(op(withdrawn, .withdrawReply(reply.id), by: bob), limits: limits)
        #expect(withdrawn.pendingReplies.isEmpty && withdrawn.comments.isEmpty)
        #expect(throws: TicketError.replyNotPending(reply.id)) {
            try withdrawn.apply(op(withdrawn, .withdrawReply(reply.id), by: bob), limits: limits)
        }

        // Closed in the window: the reply is still published, nothing else is taken.
        try t.apply(op(t, .status(.solved), by: grace), limits: limits)
        try t.apply(op(t, .status(.closed), by: grace), limits: limits)
        try t.apply(op(t, .comment(reply), by: grace, at: 12_000), limits: limits)
        #expect(t.comments == [reply] && t.pendingReplies.isEmpty && t.nextReplyDue == nil)
        #expect(throws: TicketError.closed) { try t.apply(op(t, .comment(reply), by: grace), limits: limits) }
    }

    @Test func snapshotsWithoutTheNewFieldsStillLoad() throws {
        let old = try JSONEncoder().encode(ticket())
        var object = try #require(try JSONSerialization.jsonObject(with: old) as? [String: Any])
        object["replyDraftMode"] = nil
        object["pendingReplies"] = nil
        let decoded = try JSONDecoder().decode(Ticket.self, from: try JSONSerialization.data(withJSONObject: object))
        #expect(decoded == ticket())
        #expect(decoded.replyDraftMode.visibility == .public && decoded.pendingReplies.isEmpty)
    }

    @Test func newChangesRoundTripOnTheWire() throws {
        let reply = Comment(
            id: CommentID("cmt_1"), author: grace, body: "x", visibility: .public, createdAt: Timestamp(millisecondsSince1970: 1))
        for change in [
            TicketChange.draftMode(.internal),
            .pendingReply(PendingReply(comment: reply, publishAt: Timestamp(millisecondsSince1970: 9))),
            .withdrawReply(reply.id),
        ] {
            let data = try JSONEncoder().encode(change)
            #expect(try JSONDecoder().decode(TicketChange.self, from: data) == change)
            #expect(!change.isPublic)
        }
        let wire = try JSONEncoder().encode(TicketChange.draftMode(.internal))
        #expect(String(decoding: wire, as: UTF8.self).contains("\"field\":\"draftMode\""))
    }
}
