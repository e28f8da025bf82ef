// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// One message received on a subscribed channel or pattern.
public struct RedisMessage: Sendable, Hashable {
    /// The channel it was published to.
    public var channel: String
    /// The pattern that matched, for a `PSUBSCRIBE` subscription.
    public var pattern: String?
    /// The published bytes, unchanged.
    public var payload: [UInt8]

    public init(channel: String, pattern: String? = nil, payload: [UInt8]) {
        self.channel = channel
        self.pattern = pattern
        self.payload = payload
    }
}

/// What a ``RedisSubscriber`` reports, in order.
///
/// Redis pub/sub is at-most-once. Three events say that messages may have been
/// lost just before them; a consumer that numbers its messages (actor versions)
/// then fetches what it missed from the store:
/// `disconnected` (the connection broke or could not be made), `resubscribed`
/// (every subscription is active again; anything published since the matching
/// `disconnected` was missed) and `dropped` (the consumer fell behind).
public enum RedisSubscriberEvent: Sendable, Hashable {
    /// A message on a subscribed channel or pattern.
    case message(RedisMessage)
    /// The connection broke or could not be made; it is retried with backoff.
    /// Emitted once per outage, and always followed by `resubscribed` unless the
    /// subscriber shuts down first.
    case disconnected(RedisError)
    /// Connected again and every subscription confirmed by the server.
    case resubscribed
    /// This many events did not fit in the buffer and were discarded.
    case dropped(Int)

    /// Whether messages may have been lost just before this event.
    public var signalsGap: Bool {
        if case .message = self { false } else { true }
    }
}

/// The channels and patterns a subscriber wants.
public struct RedisSubscriptions: Sendable, Hashable {
    public var channels: Set<String> = []
    public var patterns: Set<String> = []

    public init(channels: Set<String> = [], patterns: Set<String> = []) {
        self.channels = channels
        self.patterns = patterns
    }
}
