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
        /// Operations handed to a ticket and not yet answered.
        var submitting = 0
        /// The server is shutting down: no new operation is taken.
        var closing = false
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

    /// Starts an operation; `false` once the connection is closing for a shutdown.
    func beginSubmission() -> Bool {
        value.withLock { value in
            guard !value.closing else { return false }
            value.submitting += 1
            return true
        }
    }

    func endSubmission() {
        value.withLock { $0.submitting -= 1 }
    }

    /// Takes no new operation from now on; returns whether one is still being committed.
    func stopSubmissions() -> Bool {
        value.withLock { value in
            value.closing = true
            return value.submitting > 0
        }
    }

    var isSubmitting: Bool { value.withLock { $0.submitting > 0 } }

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
