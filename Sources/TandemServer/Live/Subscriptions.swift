// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The topics one connection is subscribed to (a value held by its ``LiveSession``).
///
/// Invariant: `present` is a subset of `topics` (a presence ends with its subscription).
struct Subscriptions {
    private(set) var topics: Set<Topic> = []
    /// Held topics on which this connection has sent a presence (heartbeats refresh those).
    private(set) var present: Set<Topic> = []

    /// Adds a topic unless present or over `limit`; returns why it was refused, or `nil`.
    mutating func add(_ topic: Topic, limit: Int) -> ProtocolError.Code? {
        if topics.contains(topic) { return .alreadySubscribed }
        if topics.count >= limit { return .tooManySubscriptions }
        topics.insert(topic)
        return nil
    }

    mutating func remove(_ topic: Topic) {
        present.remove(topic)
        topics.remove(topic)
    }

    func contains(_ topic: Topic) -> Bool { topics.contains(topic) }

    /// Records a presence sent on a held topic.
    mutating func markPresent(_ topic: Topic) {
        if topics.contains(topic) { present.insert(topic) }
    }
}
