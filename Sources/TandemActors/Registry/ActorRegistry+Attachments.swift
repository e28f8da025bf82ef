// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

extension ActorRegistry {
    /// When the shared reply draft is sent, its attachments go with it: they move to the new
    /// comment (or pending reply), whose visibility they take from then on.
    func moveDraftAttachments(ticket: TicketID, ops: [TicketOp]) async {
        guard let store = tickets as? any AttachmentStore else { return }
        for comment in Self.draftSends(in: ops) {
            do {
                _ = try await store.moveDraftAttachments(ticket: ticket, to: comment.id, visibility: comment.visibility)
            } catch {
                logger.error(
                    "draft attachments not moved",
                    metadata: ["ticket": "\(ticket)", "comment": "\(comment.id)", "error": "\(error)"])
            }
        }
    }

    /// The comments (or pending replies) of `ops` that were sent from the shared reply draft.
    ///
    /// A send from the draft commits the comment and, right after it, by the same author at the
    /// same instant, the deletion that empties the draft (`TicketActor+Submit`).
    static func draftSends(in ops: [TicketOp]) -> [Comment] {
        ops.indices.dropLast().compactMap { index in
            let op = ops[index]
            let next = ops[index + 1]
            let comment: Comment
            switch op.change {
            case .comment(let made): comment = made
            case .pendingReply(let pending): comment = pending.comment
            default: return nil
            }
            guard case .text(.replyDraft, let clear) = next.change, next.author == op.author, next.at == op.at,
                clear.targetLength == 0
            else { return nil }
            return comment
        }
    }
}
