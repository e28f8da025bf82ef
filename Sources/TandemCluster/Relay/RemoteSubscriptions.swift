//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import TandemActors

/// This node's connections that are subscribed to actors on other nodes, by topic.
///
/// When the owner's messages may have been lost, or the owner changed, these
/// connections are told to `resync`: they subscribe again from their version and
/// the (new) owner sends exactly what they missed, from memory or from the store.
struct RemoteSubscriptions: Sendable {
    private(set) var topics: [String: (owner: String, addresses: Set<SubscriberAddress>)] = [:]

    mutating func add(_ address: SubscriberAddress, topic: String, owner: String) {
        if topics[topic]?.owner != owner { topics[topic] = (owner, []) }
        topics[topic]?.addresses.insert(address)
    }

    mutating func remove(_ address: SubscriberAddress, topic: String) {
        topics[topic]?.addresses.remove(address)
        if topics[topic]?.addresses.isEmpty == true { topics[topic] = nil }
    }

    /// Removes and returns the subscriptions served by `owner` (every owner when `nil`).
    mutating func take(servedBy owner: String?) -> [(topic: String, addresses: Set<SubscriberAddress>)] {
        var taken: [(String, Set<SubscriberAddress>)] = []
        for (topic, entry) in topics where owner == nil || entry.owner == owner {
            taken.append((topic, entry.addresses))
            topics[topic] = nil
        }
        return taken
    }

    /// Removes and returns the subscriptions of `topic` if its owner is no longer `owner`.
    mutating func take(topic: String, unlessOwnedBy owner: String?) -> Set<SubscriberAddress>? {
        guard let entry = topics[topic], entry.owner != owner else { return nil }
        topics[topic] = nil
        return entry.addresses
    }

    /// The owner each topic is expected on.
    var owners: [(topic: String, owner: String)] { topics.map { ($0.key, $0.value.owner) } }
}
