// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

extension TicketActor {
    /// Periodic upkeep: expires presence and writes a snapshot when operations have
    /// waited longer than the snapshot interval. Returns whether the actor may be passivated.
    public func maintain(now: Timestamp, idleMilliseconds: Int64) async -> Bool {
        guard !inactive else { return true }
        expirePresence(now: now)
        if durable.pendingReplies.contains(where: { $0.publishAt <= now }) {
            do {
                try await publishDueReplies(now: now)
            } catch {
                context.logger.warning("pending replies not published", metadata: ["ticket": "\(id)", "error": "\(error)"])
            }
        }
        if !flushing, durable.version > snapshotVersion, let first = firstUnsnapshottedAt,
            now.millisecondsSince1970 - first.millisecondsSince1970 >= context.settings.snapshotIntervalMilliseconds
        {
            await writeSnapshot()
        }
        // A ticket with replies in their undo window stays active: its upkeep publishes them.
        return subscribers.isEmpty && queue.isEmpty && !flushing && durable.pendingReplies.isEmpty
            && now.millisecondsSince1970 - lastActivity.millisecondsSince1970 >= idleMilliseconds
    }

    /// Stops serving: later calls throw ``TicketActorError/inactive`` and the caller
    /// re-activates from the store. Every acknowledged operation is already durable,
    /// so a final snapshot only shortens the next activation.
    public func passivate() async {
        guard !inactive else { return }
        inactive = true
        if !subscribers.isEmpty {
            context.delivery.deliver(.resync(topic: topic, reason: "passivated"), to: Array(subscribers.keys))
            subscribers.removeAll()
        }
        if durable.version > snapshotVersion { await writeSnapshot() }
    }

    /// Whether this activation stopped serving.
    public var isInactive: Bool { inactive }

    private func writeSnapshot() async {
        let snapshot = durable
        do {
            try await context.store.commit(ticket: id, ops: [], snapshot: snapshot)
            if snapshot.version > snapshotVersion {
                snapshotVersion = snapshot.version
                if durable.version == snapshot.version { firstUnsnapshottedAt = nil }
            }
        } catch {
            context.quiet.log(
                .warning, "snapshot failed", metadata: ["ticket": "\(id)", "error": "\(error)"], to: context.logger)
        }
    }
}
