// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

/// An operation applied in memory and waiting for the store.
struct PendingCommit {
    var op: TicketOp
    /// Where its acknowledgement goes.
    var replyTo: [SubscriberAddress]
    /// The submitter waiting for this operation (set on the last operation of a submission).
    var waiter: CheckedContinuation<FlushTurn, Never>?
    /// Resends of the same operation waiting for it.
    var extraWaiters: [CheckedContinuation<FlushTurn, Never>] = []
    /// Whether the submitter also receives the operation itself: true for operations the
    /// server built (comments, the draft cleared by posting it), which the client cannot
    /// have applied locally.
    var echo = false
}

/// A group-commit leader waiting for the batch to fill.
struct BatchGathering {
    var id: UInt64
    var target: Int
    var continuation: CheckedContinuation<Void, Never>
    var timer: Task<Void, Never>

    /// Resumes the leader; call once (the owner drops this value right after).
    func finish() {
        timer.cancel()
        continuation.resume()
    }
}

/// What a waiting submitter is told.
enum FlushTurn: Sendable {
    /// Its operations are durable and acknowledged.
    case committed
    /// They were not committed; nothing of them was acknowledged.
    case failed(TicketActorError)
    /// It now leads the next group commit.
    case lead
}

extension TicketActor {
    /// Queues applied operations and returns once they are durable.
    ///
    /// Group commit: while one submitter (the leader) writes a batch, later submissions
    /// queue up; when the batch is durable the leader acknowledges it and hands the lead
    /// to the first waiting submitter, who writes everything queued meanwhile in one go.
    func commit(_ ops: [TicketOp], replyTo: SubscriberAddress?, echo: Bool) async throws(TicketActorError) {
        for (index, op) in ops.enumerated() {
            let last = index == ops.count - 1
            queue.append(PendingCommit(op: op, replyTo: last ? replyTo.map { [$0] } ?? [] : [], echo: echo))
        }
        if let gathering = batchGathering, queue.count >= gathering.target {
            batchGathering = nil
            gathering.finish()
        }
        if flushing {
            let lastVersion = ops[ops.count - 1].version
            let turn = await withCheckedContinuation { continuation in
                if let index = queue.firstIndex(where: { $0.op.version == lastVersion }) {
                    queue[index].waiter = continuation
                } else {
                    continuation.resume(returning: .failed(.unavailable("lost from the commit queue")))
                }
            }
            switch turn {
            case .committed: return
            case .failed(let error): throw error
            case .lead: break
            }
        }
        try await leadCommit()
    }

    /// Waits until an already queued version is durable (a resend of a pending operation).
    func awaitCommit(of version: Int64, replyTo: SubscriberAddress?) async throws(TicketActorError) {
        let turn = await withCheckedContinuation { continuation in
            if let index = queue.firstIndex(where: { $0.op.version == version }) {
                queue[index].extraWaiters.append(continuation)
                if let replyTo { queue[index].replyTo.append(replyTo) }
            } else if let index = committing.firstIndex(where: { $0.op.version == version }) {
                committing[index].extraWaiters.append(continuation)
                if let replyTo { committing[index].replyTo.append(replyTo) }
            } else {
                continuation.resume(returning: .failed(.unavailable("not pending")))
            }
        }
        if case .failed(let error) = turn { throw error }
    }

    /// Writes everything queued as one batch, then acknowledges and broadcasts it in order.
    private func leadCommit() async throws(TicketActorError) {
        flushing = true
        let wait = context.settings.groupCommitWait
        if wait > .zero, lastBatchSize > 1, queue.count < lastBatchSize {
            await gatherBatch(of: lastBatchSize, waitingAtMost: wait)
        }
        // The batch stays visible in `committing` while it is written, so that submissions
        // arriving meanwhile transform against it and resends of it can wait for it.
        committing = queue
        queue.removeAll(keepingCapacity: true)
        guard speculative != nil, let last = committing.last else {
            flushing = false
            return
        }
        let ops = committing.map(\.op)
        // Only a snapshot shares the speculative state's storage across the store write (its
        // arrays are copied once when the next op is applied); otherwise nothing holds on to it.
        let snapshot = shouldSnapshot(adding: ops) ? speculative : nil
        do {
            guard context.holdsLease() else { throw LeaseNotHeld(ticket: id) }
            try await context.store.commit(ticket: id, ops: ops, snapshot: snapshot)
        } catch {
            let batch = committing
            committing = []
            failAll(batch, error)
            throw Self.translate(error)
        }
        let batch = committing
        committing = []
        lastBatchSize = batch.count
        // The queues and notifications hear of structural changes only (text edits change no
        // summary): the summary before the batch is made only for them.
        let structural = ops.contains { if case .text = $0.change { false } else { true } }
        let before = structural ? durable.summary : nil
        if queue.isEmpty, let target = speculative {
            // Nothing was applied after this batch: the speculative state is the durable one.
            durable = target
            speculative = nil
        } else {
            // Later ops are applied on top of the batch: advance the durable copy in place.
            for op in ops { try? durable.apply(op, limits: context.settings.limits) }
        }
        precondition(durable.version == last.op.version, "durable state must end at the committed batch")
        remember(ops, snapshotted: snapshot != nil)
        moveSelections(through: ops)
        for pending in batch {
            let change = pending.op.change
            let excluded = pending.echo ? nil : pending.replyTo.first
            context.delivery.deliver(.op(topic: topic, op: pending.op), to: audience(for: change, excluding: excluded))
            if !pending.replyTo.isEmpty {
                context.delivery.deliver(
                    .ack(topic: topic, client: pending.op.client, seq: pending.op.seq, version: pending.op.version),
                    to: pending.replyTo)
            }
            pending.waiter?.resume(returning: .committed)
            for waiter in pending.extraWaiters { waiter.resume(returning: .committed) }
        }
        handOffLead()
        if ops.contains(where: { if case .team = $0.change { true } else { false } }) {
            reauthorizeSubscribers()
        }
        if let before {
            await context.observer.ticketCommitted(before: before, after: durable, ops: ops)
        }
    }

    /// Waits until `target` ops are queued or `wait` has passed. The submitters of the last
    /// batch get their acks at once and resubmit together: without the wait, the first of
    /// them would commit alone and the rest would wait for that fsync before writing theirs.
    private func gatherBatch(of target: Int, waitingAtMost wait: Duration) async {
        lastBatchSize = 0  // re-learnt from this batch
        gatherings &+= 1
        let id = gatherings
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let timer = Task { [weak self] in
                try? await Task.sleep(for: wait)
                guard !Task.isCancelled else { return }
                await self?.endGathering(id)
            }
            batchGathering = BatchGathering(id: id, target: target, continuation: continuation, timer: timer)
        }
    }

    private func endGathering(_ id: UInt64) {
        guard let gathering = batchGathering, gathering.id == id else { return }
        batchGathering = nil
        gathering.finish()
    }

    /// Passes the lead to the first waiting submitter, or ends the flush.
    private func handOffLead() {
        if let index = queue.firstIndex(where: { $0.waiter != nil }), let next = queue[index].waiter {
            queue[index].waiter = nil
            next.resume(returning: .lead)
        } else {
            flushing = false
        }
    }

    /// Fails a batch that the store refused, and everything queued behind it (it was
    /// transformed against the refused operations). The durable state is untouched.
    private func failAll(_ batch: [PendingCommit], _ error: any Error) {
        let failure = Self.translate(error)
        let everything = batch + queue
        queue.removeAll()
        speculative = nil
        flushing = false
        for pending in everything {
            pending.waiter?.resume(returning: .failed(failure))
            for waiter in pending.extraWaiters { waiter.resume(returning: .failed(failure)) }
        }
        if case .versionConflict = error as? StoreError {
            context.logger.warning("ticket fenced by another writer", metadata: ["ticket": "\(id)"])
            becomeStale()
        } else if error is LeaseNotHeld {
            context.quiet.log(
                .warning, "ticket commit refused: the lease is not held", metadata: ["ticket": "\(id)"], to: context.logger)
        } else {
            context.quiet.log(
                .error, "ticket commit failed", metadata: ["ticket": "\(id)", "error": "\(error)"], to: context.logger)
        }
    }

    static func translate(_ error: any Error) -> TicketActorError {
        switch error as? StoreError {
        case .versionConflict?: .inactive
        default: .unavailable("\(error)")
        }
    }

    /// Snapshot on every non-text change (lists and search stay current), every N
    /// operations, and when the oldest unsnapshotted operation is old enough.
    private func shouldSnapshot(adding ops: [TicketOp]) -> Bool {
        if ops.contains(where: { if case .text = $0.change { false } else { true } }) { return true }
        let since = (ops.last?.version ?? durable.version) - snapshotVersion
        if since >= Int64(context.settings.snapshotEveryOps) { return true }
        if let first = firstUnsnapshottedAt,
            context.clock.now().millisecondsSince1970 - first.millisecondsSince1970
                >= context.settings.snapshotIntervalMilliseconds
        {
            return true
        }
        return false
    }

    /// Keeps committed operations for catch-up, within the configured window.
    private func remember(_ ops: [TicketOp], snapshotted: Bool) {
        recent.append(contentsOf: ops)
        let overflow = recent.count - context.settings.recentOpsLimit
        if overflow > 0 { recent.removeFirst(overflow) }
        if snapshotted {
            snapshotVersion = durable.version
            firstUnsnapshottedAt = nil
        } else if firstUnsnapshottedAt == nil {
            firstUnsnapshottedAt = ops.first?.at
        }
    }
}
