//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

extension TicketActor {
    /// Removes the subscribers (and their presence) held on nodes that are not in `alive`.
    func dropSubscribers(notOn alive: Set<String>) {
        for address in subscribers.keys where !alive.contains(address.node) {
            unsubscribe(address)
        }
    }
}
