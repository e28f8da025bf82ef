// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

extension TicketActor {
    /// Submits one change made on `request.baseVersion` and returns once it is durable.
    ///
    /// A resend of an already committed (client, seq) is acknowledged again without
    /// being applied twice. The acknowledgement is also delivered to `replyTo`, in
    /// order with the broadcasts that precede it.
    public func submit(_ request: SubmitRequest) async throws(TicketActorError) -> SubmitReply {
        try checkActive()
        lastActivity = context.clock.now()
        if let duplicate = try await deduplicate(request) { return duplicate }
        if request.baseVersion > durable.version { try await refuseVersion(ahead: request.baseVersion) }
        guard request.baseVersion >= 0 else { throw .versionTooOld }

        let changes = try await prepare(request)
        // `prepare` may have suspended (store reads), and the same (client, seq) may have come
        // in meanwhile (a resend, or a call repeated after its reply was lost) and been
        // applied: look again. From here to the speculative state there is no suspension.
        if let duplicate = try await deduplicate(request) { return duplicate }
        let author = request.actor.principal.userID
        let ops = try applySpeculatively(
            changes.map { ($0, author) }, client: request.client, seq: request.seq)
        try await commit(ops, replyTo: request.replyTo, echo: request.request.isServerBuilt)
        return SubmitReply(version: ops[ops.count - 1].version, duplicate: false)
    }

    /// Publishes the pending replies whose undo window has passed at `now`: one `comment`
    /// operation each, by the reply's author, committed like any other change.
    ///
    /// Each reply leaves the pending list in the same operation that publishes it, so calling
    /// this again (a timer, the store sweep after a restart, another node) publishes nothing twice.
    public func publishDueReplies(now: Timestamp) async throws(TicketActorError) {
        try checkActive()
        let due = (speculative ?? durable).pendingReplies.filter { $0.publishAt <= now }
        guard !due.isEmpty else { return }
        lastActivity = context.clock.now()
        let ops = try applySpeculatively(
            due.map { (TicketChange.comment($0.comment), $0.comment.author) }, client: nil, seq: nil)
        try await commit(ops, replyTo: nil, echo: false)
    }

    /// Applies a submission's changes to the speculative state, in place and all or nothing.
    ///
    /// The speculative ticket is moved out of its property while it is changed, so the
    /// changes mutate uniquely referenced storage instead of copying the ticket per op.
    /// No suspension point: nothing else runs on the actor meanwhile.
    private func applySpeculatively(
        _ changes: [(TicketChange, UserID)], client: String?, seq: Int64?
    ) throws(TicketActorError) -> [TicketOp] {
        let wasSpeculative = speculative != nil
        var next = speculative ?? durable
        speculative = nil
        // `apply` is atomic per op; a submission of several ops (a comment posted from the
        // draft) keeps the state it started from, to restore it when a later op fails.
        let before = changes.count > 1 ? next : nil
        var ops: [TicketOp] = []
        ops.reserveCapacity(changes.count)
        let now = context.clock.now()
        for (index, (change, author)) in changes.enumerated() {
            let last = index == changes.count - 1
            let op = TicketOp(
                version: next.version + 1, change: change, author: author, at: now,
                client: last ? client : nil, seq: last ? seq : nil)
            do {
                try next.apply(op, limits: context.settings.limits)
            } catch {
                if let before { next = before }
                if wasSpeculative { speculative = next }
                throw .invalid(error)
            }
            ops.append(op)
        }
        speculative = next
        return ops
    }

    /// Checks the request against the ticket and rewrites it to apply on the current state:
    /// authorization, the comment made from a request, and transformation of text and
    /// tag changes against every operation committed since the base version.
    private func prepare(_ request: SubmitRequest) async throws(TicketActorError) -> [TicketChange] {
        let principal = request.actor.principal
        switch request.request {
        case .change(let change):
            return try await prepare([change], base: request.baseVersion, principal: principal)
        case .changes(let changes):
            return try await prepare(changes, base: request.baseVersion, principal: principal)
        case .comment(let comment):
            try authorize(principal, comment.visibility == .public ? .commentPublic : .workInternal)
            do {
                try Validators.count(comment.mentions, atMost: FieldLimits.mentionsPerComment, field: "mentions")
                for mention in comment.mentions { try Validators.identifier(mention.rawValue, field: "mentions") }
            } catch {
                throw .invalid(.invalid(error))
            }
            if comment.fromDraft {
                try authorize(principal, .workInternal)
                if let changer = try await draftModeChanger(after: request.baseVersion, besides: principal.userID) {
                    throw .invalid(.draftModeChanged(by: changer))
                }
            }
            // From here on no suspension: the checks hold for the state the comment applies to.
            let state = speculative ?? durable
            if comment.fromDraft && comment.visibility == .public && !comment.confirmInternal {
                let others = state.replyDraftMode.internalAuthors(besides: principal.userID)
                if !others.isEmpty { throw .invalid(.confirmationRequired(authors: others)) }
            }
            let body = comment.fromDraft ? state.replyDraft.string : comment.body
            let now = context.clock.now()
            let made = Comment(
                id: IdentifierGenerator().make("cmt", at: UInt64(now.millisecondsSince1970)),
                author: principal.userID, body: body, visibility: comment.visibility,
                mentions: principal.role.isStaff ? Array(Set(comment.mentions)).sorted() : [], createdAt: now)
            let window = context.settings.replyUndoMilliseconds
            // Staff replies to the customer wait out the undo window; the requester's own do not.
            let undoable = comment.visibility == .public && window > 0 && audience(of: principal) == .staff
            var changes: [TicketChange] = [
                undoable
                    ? .pendingReply(PendingReply(comment: made, publishAt: now.adding(milliseconds: window)))
                    : .comment(made)
            ]
            if comment.fromDraft && state.replyDraft.count > 0 {
                var clear = TextOperation()
                clear.delete(state.replyDraft.count)
                changes.append(.text(.replyDraft, clear))
            }
            return changes
        case .undoReply(let id):
            try authorize(principal, .workInternal)
            let state = speculative ?? durable
            guard let reply = state.pendingReplies.first(where: { $0.comment.id == id }) else {
                throw .invalid(.replyNotPending(id))
            }
            // The text goes back to the top of the draft, so nothing is lost.
            var restore = TextOperation()
            restore.insert(reply.comment.body + (state.replyDraft.count > 0 ? "\n\n" : ""))
            return [.withdrawReply(id), .text(.replyDraft, restore)]
        }
    }

    /// Who else changed the draft's mode after `version`, if anyone: a `fromDraft` request made
    /// on `version` did not see that change.
    private func draftModeChanger(after version: Int64, besides sender: UserID) async throws(TicketActorError) -> UserID? {
        guard version < (speculative ?? durable).version else { return nil }
        let since = try await operations(after: version)
        return since.last { op in
            if case .draftMode = op.change { op.author != sender } else { false }
        }?.author
    }

    /// Authorizes and checks changes made together, then transforms each against every
    /// operation after `base`. Each is checked on the ticket as the earlier ones leave it:
    /// an assignee given with a new team must belong to that team.
    private func prepare(
        _ changes: [TicketChange], base: Int64, principal: Principal
    ) async throws(TicketActorError) -> [TicketChange] {
        var team = (speculative ?? durable).team
        for change in changes {
            try authorize(principal, Self.action(for: change))
            if case .comment = change {
                throw .invalid(
                    .invalid(ValidationError(field: "op", code: "invalid", message: "Send comments as comment requests.")))
            }
            if change.isServerMade {
                throw .invalid(
                    .invalid(ValidationError(field: "op", code: "invalid", message: "Only the server makes this change.")))
            }
            try await checkReferences(change, team: team)
            if case .team(let moved) = change { team = moved }
        }
        // Read once, after the checks: operations queued while they awaited are included.
        let since = try await operations(after: base)
        return changes.map { change in since.reduce(change) { $0.transformed(against: $1.change) } }
    }

    /// Refuses an assignee who is not staff of `team`, and a team that does not exist.
    private func checkReferences(_ change: TicketChange, team: TeamID?) async throws(TicketActorError) {
        switch change {
        case .assignee(let user?):
            guard await context.directory.isAssignable(user, team: team) else {
                throw .invalid(
                    .invalid(
                        ValidationError(
                            field: "assignee", code: "not_assignable",
                            message: "The assignee must be an active agent of the ticket's team.")))
            }
        case .team(let team?):
            guard await context.directory.teamExists(team) else {
                throw .invalid(.invalid(ValidationError(field: "team", code: "unknown_team", message: "No such team.")))
            }
        case .tags(let operation):
            // The field limits of a new tag, shared with the REST API (stored operations are not re-checked).
            do {
                try Validators.count(operation.added, atMost: FieldLimits.tagsPerRequest, field: "tags")
                try Validators.count(operation.removed, atMost: FieldLimits.tagsPerRequest, field: "tags")
                for tag in operation.added.union(operation.removed) { _ = try Validators.tag(tag) }
            } catch {
                throw .invalid(.invalid(error))
            }
        default:
            break
        }
    }

    /// Every operation after `version` up to the current speculative state, in order.
    private func operations(after version: Int64) async throws(TicketActorError) -> [TicketOp] {
        guard let durableOps = try await durableOps(after: version) else { throw .versionTooOld }
        return durableOps + committing.map(\.op) + queue.map(\.op)
    }

    /// Acknowledges a resend without applying it again.
    private func deduplicate(_ request: SubmitRequest) async throws(TicketActorError) -> SubmitReply? {
        guard let client = request.client, let seq = request.seq,
            let mark = (speculative ?? durable).clientSequences[
                ClientSequence.key(author: request.actor.principal.userID, client: client)]
        else { return nil }
        if seq < mark.seq { throw .staleSequence }
        guard seq == mark.seq else { return nil }
        if mark.version > durable.version {
            try await awaitCommit(of: mark.version, replyTo: request.replyTo)
        } else if let replyTo = request.replyTo {
            context.delivery.deliver(.ack(topic: topic, client: client, seq: seq, version: mark.version), to: [replyTo])
        }
        return SubmitReply(version: mark.version, duplicate: true)
    }

    /// The policy action a change needs.
    static func action(for change: TicketChange) -> Action {
        switch change {
        case .text(.description, _): .editDescription
        case .text: .workInternal
        case .subject, .status, .priority, .assignee, .team, .tags: .updateTicket
        case .draftMode, .pendingReply, .withdrawReply: .workInternal
        case .comment(let comment): comment.visibility == .public ? .commentPublic : .workInternal
        }
    }
}
