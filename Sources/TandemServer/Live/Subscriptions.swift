//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Synchronization
import TandemActors
import TandemCore

/// What one connection is: who it belongs to and what it is subscribed to.
/// Shared by the connection's reader and its signal handler, behind a lock;
/// actor calls are always made outside the lock.
final class ConnectionState: Sendable {
    private struct Value {
        var identity: AuthenticatedIdentity?
        var topics: Set<Topic> = []
        /// Held topics on which this connection has sent a presence (heartbeats refresh those).
        var present: Set<Topic> = []
        /// Times of recent invalid frames, for the abuse threshold.
        var invalidFrames: [ContinuousClock.Instant] = []
    }
    private let value = Mutex(Value())

    var identity: AuthenticatedIdentity? {
        get { value.withLock { $0.identity } }
        set { value.withLock { $0.identity = newValue } }
    }

    var topics: Set<Topic> { value.withLock { $0.topics } }

    /// Held topics with a presence of this connection.
    var presentTopics: Set<Topic> { value.withLock { $0.present } }

    /// Records a presence sent on a held topic.
    func markPresent(_ topic: Topic) {
        value.withLock { value in
            if value.topics.contains(topic) { value.present.insert(topic) }
        }
    }

    /// Adds a topic unless present or over `limit`; returns why it was refused, or `nil`.
    func add(_ topic: Topic, limit: Int) -> ProtocolError.Code? {
        value.withLock { value in
            if value.topics.contains(topic) { return .alreadySubscribed }
            if value.topics.count >= limit { return .tooManySubscriptions }
            value.topics.insert(topic)
            return nil
        }
    }

    @discardableResult
    func remove(_ topic: Topic) -> Bool {
        value.withLock { value in
            value.present.remove(topic)
            return value.topics.remove(topic) != nil
        }
    }

    func contains(_ topic: Topic) -> Bool { value.withLock { $0.topics.contains(topic) } }

    /// Records an invalid frame; true when the client has sent too many recently.
    func recordInvalid(limit: Int, window: Duration) -> Bool {
        let now = ContinuousClock.now
        return value.withLock { value in
            value.invalidFrames.removeAll { now - $0 > window }
            value.invalidFrames.append(now)
            return value.invalidFrames.count >= limit
        }
    }
}
