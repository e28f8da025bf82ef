// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// A commit refused because this node could not show that it still holds the ticket's lease.
struct LeaseNotHeld: Error, CustomStringConvertible {
    var ticket: TicketID
    var description: String { "this node no longer holds the lease of ticket \(ticket); try again" }
}

extension TicketActor {
    /// Removes the subscribers (and their presence) held on nodes that are not in `alive`.
    func dropSubscribers(notOn alive: Set<String>) {
        for address in subscribers.keys where !alive.contains(address.node) {
            unsubscribe(address)
        }
    }

    /// Stops serving because another activation wrote versions this one does not have: the
    /// subscribers resubscribe from their versions and reach the current state.
    func becomeStale() {
        inactive = true
        context.delivery.deliver(.resync(topic: topic, reason: "owner_changed"), to: Array(subscribers.keys))
        subscribers.removeAll()
        presence.removeAll()
    }

    /// Answers a client that knows version `known`, above this activation's durable version.
    ///
    /// Only another writer can have given a client that version (an owner that lost its lease
    /// without knowing it), so the store is read first. When it has `known`, this activation is
    /// stale: it stops serving and the call is retried on a fresh one (``TicketActorError/inactive``).
    /// Otherwise the version does not exist, and only then is the answer `future_version`.
    func refuseVersion(ahead known: Int64) async throws(TicketActorError) -> Never {
        // Versions this activation is committing now are not acknowledged yet: no client can
        // have them from here. Ask again once the commit has settled who writes the ticket.
        let top = speculative?.version ?? durable.version
        if known <= top { throw .unavailable("version \(known) of the ticket is being committed; try again") }
        let stored: [TicketOp]
        do {
            stored = try await context.store.ops(ticket: id, after: top, through: known)
        } catch {
            throw .unavailable("\(error)")
        }
        try checkActive()
        if let last = stored.last, last.version >= known {
            context.logger.warning(
                "ticket activation is behind the store: a client knows a later version",
                metadata: ["ticket": "\(id)", "version": "\(durable.version)", "client": "\(known)"])
            becomeStale()
            throw .inactive
        }
        throw .futureVersion(current: durable.version)
    }
}
