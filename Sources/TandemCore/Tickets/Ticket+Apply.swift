// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

extension Ticket {
    /// Text edits by the same person to the same field within this window share one history line.
    public static let historyCoalescingMilliseconds: Int64 = 60_000
    /// How many recent history lines a text edit looks through for its author's open line.
    static let historyCoalescingScan = 128

    /// Applies a committed operation: the change, the version, the timestamps and the history.
    ///
    /// Deterministic in its inputs, so replaying a snapshot's operations reproduces the
    /// live state exactly. Mutates in place (no copy of the ticket), and is atomic: every
    /// check runs before the first mutation, so a change that does not fit throws without
    /// changing anything.
    public mutating func apply(_ op: TicketOp, limits: TicketLimits) throws(TicketError) {
        try applyChange(op, limits: limits)
        version = op.version
        if op.at > updatedAt { updatedAt = op.at }
        if let client = op.client, let seq = op.seq {
            clientSequences[ClientSequence.key(author: op.author, client: client)] =
                ClientSequence(seq: seq, version: op.version)
            pruneClientSequences()
        }
    }

    /// Clients silent for this many versions are forgotten; a resend older than that is refused.
    public static let clientSequenceHorizon: Int64 = 100_000

    private mutating func pruneClientSequences() {
        guard clientSequences.count > 256 else { return }
        let horizon = version - Self.clientSequenceHorizon
        clientSequences = clientSequences.filter { $0.value.version > horizon }
    }

    /// Applies a text operation to a field's scalars in place; on error the text is unchanged.
    private mutating func applyText(_ field: TextField, _ operation: TextOperation, limit: Int) throws(OTError) {
        switch field {
        case .description: try description.apply(operation, limit: limit)
        case .internalNotes: try internalNotes.apply(operation, limit: limit)
        case .replyDraft: try replyDraft.apply(operation, limit: limit)
        }
    }

    /// The index of the history line that a text edit of `field` by `author` at `at` extends.
    ///
    /// Keystrokes are not history: each person's consecutive edits of one field share a line
    /// for a minute from its first edit, even while others type in between. Looks back through
    /// the recent lines only, and stops at the author's latest line: if that is not an open
    /// line of the same field (they did something else since), the edit starts a new line.
    private func openTextLine(field: String, author: UserID, at: Timestamp) -> Int? {
        var index = history.endIndex
        let stop = max(history.startIndex, index - Self.historyCoalescingScan)
        while index > stop {
            index -= 1
            let line = history[index]
            if at.millisecondsSince1970 - line.at.millisecondsSince1970 >= Self.historyCoalescingMilliseconds {
                return nil
            }
            if line.actor == author {
                return line.field == field && line.from == nil && line.to == nil ? index : nil
            }
        }
        return nil
    }

    private mutating func applyChange(_ op: TicketOp, limits: TicketLimits) throws(TicketError) {
        let change = op.change
        // A reply sent before the ticket was closed is still published after its undo window.
        if status == .closed, !isPublication(change) { throw .closed }
        func record(_ field: String, _ from: String?, _ to: String?) {
            history.append(
                HistoryEntry(
                    version: op.version, actor: op.author, at: op.at, field: field, from: from, to: to,
                    isPublic: change.isPublic))
        }
        switch change {
        case .text(let field, let operation):
            do {
                try applyText(field, operation, limit: limits.maxTextScalars)
            } catch .textTooLong {
                throw .textTooLong(field: field, limit: limits.maxTextScalars)
            } catch {
                throw .invalidOperation(error)
            }
            if field == .replyDraft { noteDraftEdit(by: op.author) }
            if let line = openTextLine(field: field.rawValue, author: op.author, at: op.at) {
                history[line].version = op.version
            } else {
                record(field.rawValue, nil, nil)
            }
        case .subject(let value):
            let subject: String
            do { subject = try Validators.name(value, field: "subject", maxLength: 200) } catch { throw .invalid(error) }
            record("subject", self.subject, subject)
            self.subject = subject
        case .status(let value):
            guard status.canMove(to: value) else { throw .invalidTransition(from: status, to: value) }
            guard value != status else { return }
            record("status", status.rawValue, value.rawValue)
            if value == .solved { solvedAt = op.at }
            if status == .solved && value == .open { solvedAt = nil }
            status = value
        case .priority(let value):
            guard value != priority else { return }
            record("priority", priority.rawValue, value.rawValue)
            priority = value
        case .assignee(let value):
            guard value != assignee else { return }
            record("assignee", assignee?.rawValue, value?.rawValue)
            assignee = value
        case .team(let value):
            guard value != team else { return }
            record("team", team?.rawValue, value?.rawValue)
            team = value
        case .tags(let operation):
            let next = operation.apply(to: tags)
            guard next.count <= limits.maxTags else {
                throw .invalid(ValidationError(field: "tags", code: "too_many", message: "At most \(limits.maxTags) tags."))
            }
            guard next != tags else { return }
            record(
                "tags", tags.sorted().joined(separator: ","), next.sorted().joined(separator: ","))
            tags = next
        case .comment(let comment):
            try Self.check(comment, limits: limits)
            // Publishing a pending reply: it leaves the undo window and becomes a comment.
            pendingReplies.removeAll { $0.comment.id == comment.id }
            comments.append(comment)
            record("comment", nil, comment.id.rawValue)
            if comment.visibility == .public && comment.author != requester && firstResponseAt == nil {
                firstResponseAt = op.at
            }
            // A customer's reply brings a waiting or solved ticket back to the team.
            if comment.visibility == .public && comment.author == requester
                && (status == .pending || status == .solved)
            {
                record("status", status.rawValue, TicketStatus.open.rawValue)
                status = .open
                solvedAt = nil
            }
        case .draftMode(let value):
            guard value != replyDraftMode.visibility else { return }
            record("draftMode", replyDraftMode.visibility.rawValue, value.rawValue)
            replyDraftMode.visibility = value
            replyDraftMode.setBy = op.author
            replyDraftMode.setAt = op.at
        case .pendingReply(let reply):
            try Self.check(reply.comment, limits: limits)
            guard !pendingReplies.contains(where: { $0.comment.id == reply.comment.id }),
                !comments.contains(where: { $0.id == reply.comment.id })
            else {
                throw .invalid(ValidationError(field: "comment", code: "duplicate", message: "That comment exists already."))
            }
            pendingReplies.append(reply)
            record("reply", nil, reply.comment.id.rawValue)
        case .withdrawReply(let id):
            guard let index = pendingReplies.firstIndex(where: { $0.comment.id == id }) else {
                throw TicketError.replyNotPending(id)
            }
            pendingReplies.remove(at: index)
            record("withdrawn", nil, id.rawValue)
        }
    }

    /// Whether `change` publishes one of the pending replies.
    private func isPublication(_ change: TicketChange) -> Bool {
        guard case .comment(let comment) = change else { return false }
        return pendingReplies.contains { $0.comment.id == comment.id }
    }

    /// Keeps track of who wrote draft text in internal mode; an emptied draft holds nobody's text.
    private mutating func noteDraftEdit(by author: UserID) {
        if replyDraft.count == 0 {
            replyDraftMode.internalAuthors = []
        } else if replyDraftMode.visibility == .internal {
            replyDraftMode.internalAuthors.insert(author)
        }
    }

    private static func check(_ comment: Comment, limits: TicketLimits) throws(TicketError) {
        guard !comment.body.trimmingWhitespace().isEmpty else {
            throw .invalid(ValidationError(field: "body", code: "required", message: "A comment needs a body."))
        }
        guard comment.body.unicodeScalars.count <= limits.maxCommentScalars else {
            throw .invalid(
                ValidationError(
                    field: "body", code: "too_long",
                    message: "A comment may have at most \(limits.maxCommentScalars) characters."))
        }
    }
}
