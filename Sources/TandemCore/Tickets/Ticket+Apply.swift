//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

extension Ticket {
    /// Text edits by the same person to the same field within this window share one history line.
    public static let historyCoalescingMilliseconds: Int64 = 60_000

    /// Applies a committed operation: the change, the version, the timestamps and the history.
    ///
    /// Deterministic in its inputs, so replaying a snapshot's operations reproduces the
    /// live state exactly. Throws without changing anything when the change does not fit.
    public mutating func apply(_ op: TicketOp, limits: TicketLimits) throws(TicketError) {
        var next = self
        try next.applyChange(op, limits: limits)
        next.version = op.version
        next.updatedAt = max(next.updatedAt, op.at)
        if let client = op.client, let seq = op.seq {
            next.clientSequences[ClientSequence.key(author: op.author, client: client)] =
                ClientSequence(seq: seq, version: op.version)
            next.pruneClientSequences()
        }
        self = next
    }

    /// Clients silent for this many versions are forgotten; a resend older than that is refused.
    public static let clientSequenceHorizon: Int64 = 100_000

    private mutating func pruneClientSequences() {
        guard clientSequences.count > 256 else { return }
        let horizon = version - Self.clientSequenceHorizon
        clientSequences = clientSequences.filter { $0.value.version > horizon }
    }

    private mutating func applyChange(_ op: TicketOp, limits: TicketLimits) throws(TicketError) {
        if status == .closed { throw .closed }
        let change = op.change
        func record(_ field: String, _ from: String?, _ to: String?) {
            history.append(
                HistoryEntry(
                    version: op.version, actor: op.author, at: op.at, field: field, from: from, to: to,
                    isPublic: change.isPublic))
        }
        switch change {
        case .text(let field, let operation):
            var text = self.text(field)
            do {
                try text.apply(operation, limit: limits.maxTextScalars)
            } catch .textTooLong {
                throw .textTooLong(field: field, limit: limits.maxTextScalars)
            } catch {
                throw .invalidOperation(error)
            }
            setText(field, text)
            // Keystrokes are not history: one line per person, field and minute of typing.
            if let last = history.last, last.field == field.rawValue, last.actor == op.author,
                op.at.millisecondsSince1970 - last.at.millisecondsSince1970 < Self.historyCoalescingMilliseconds
            {
                history[history.count - 1].version = op.version
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
            guard !comment.body.trimmingWhitespace().isEmpty else {
                throw .invalid(ValidationError(field: "body", code: "required", message: "A comment needs a body."))
            }
            guard comment.body.unicodeScalars.count <= limits.maxCommentScalars else {
                throw .invalid(
                    ValidationError(
                        field: "body", code: "too_long",
                        message: "A comment may have at most \(limits.maxCommentScalars) characters."))
            }
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
        }
    }
}
