// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemActors
import TandemCore

/// This node's connections that are subscribed to actors on other nodes, by topic, and who
/// is present on each of those topics as far as this node was told.
///
/// When the owner's messages may have been lost, or the owner changed, these
/// connections are told to `resync`: they subscribe again from their version and
/// the (new) owner sends exactly what they missed, from memory or from the store.
/// When the owner's run ended, the viewers on that node are gone too: the connections
/// are told so (`presence_left`) before the resync, since the presence the owner held
/// died with it and no one else would tell them.
struct RemoteSubscriptions: Sendable {
    struct Entry: Sendable {
        var owner: String
        var addresses: Set<SubscriberAddress> = []
        /// The connections present on the topic, with their user.
        var present: [SubscriberAddress: UserID] = [:]
    }

    private(set) var topics: [String: Entry] = [:]
    mutating func add(_ address: SubscriberAddress, topic: String, owner: String) {
        if topics[topic]?.owner != owner { topics[topic] = Entry(owner: owner) }
        topics[topic]?.addresses.insert(address)
    }

    mutating func remove(_ address: SubscriberAddress, topic: String) {
        topics[topic]?.addresses.remove(address)
        if topics[topic]?.addresses.isEmpty == true { topics[topic] = nil }
    }

    /// Follows the presence events relayed for a tracked topic.
    mutating func observe(_ event: LiveEvent) {
        switch event {
        case .presence(let topic, let presence):
            topics[topic]?.present[presence.connection] = presence.user
        case .presenceLeft(let topic, _, let connection):
            topics[topic]?.present[connection] = nil
        default:
            break
        }
    }

    /// Adds the people present according to a subscription's reply (a customer's reply lists
    /// nobody, so it adds nothing).
    mutating func observe(_ reply: SubscribeReply, topic: String) {
        switch reply {
        case .snapshot(_, let presence), .ops(_, _, let presence):
            for entry in presence { topics[topic]?.present[entry.connection] = entry.user }
        }
    }

    /// Removes and returns the subscriptions served by `owner` (every owner when `nil`).
    mutating func take(servedBy owner: String?) -> [(topic: String, entry: Entry)] {
        var taken: [(String, Entry)] = []
        for (topic, entry) in topics where owner == nil || entry.owner == owner {
            taken.append((topic, entry))
            topics[topic] = nil
        }
        return taken
    }

    /// Removes and returns the subscriptions of `topic` if its owner is no longer `owner`.
    mutating func take(topic: String, unlessOwnedBy owner: String?) -> Entry? {
        guard let entry = topics[topic], entry.owner != owner else { return nil }
        topics[topic] = nil
        return entry
    }

    /// The owner each topic is expected on.
    var owners: [(topic: String, owner: String)] { topics.map { ($0.key, $0.value.owner) } }
}
