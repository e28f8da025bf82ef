// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import Synchronization
import TandemActors
import TandemCore

/// One live-protocol connection (ShareDB's `Agent`): who is on it, what it is subscribed to,
/// its abuse and shutdown state, and the handling of its messages. The node-wide parts
/// (actors, store, settings) come from its ``LiveService``; the outbound side is its
/// ``Connection``; the socket is its ``LiveChannelHandler``.
///
/// A session holds no task while it is idle. Client messages are handled one at a time, in
/// order, by a task that exists only while messages wait (``receive(_:)``); closes and
/// permission re-checks requested by actors run in a short-lived task when they happen
/// (``SignalMailbox``); timers are the channel handler's.
///
/// The message task and the signal task run concurrently: the session's state is behind a
/// lock, and actor calls are always made outside it.
final class LiveSession: Sendable {
    let service: LiveService
    let connection: Connection
    /// The connection's logger (shared storage: an idle connection keeps no metadata of its own).
    private let baseLogger: Logger
    private let state = Mutex(State())

    private struct State {
        var identity: AuthenticatedIdentity?
        var subscriptions = Subscriptions()
        /// Times of recent invalid frames, for the abuse threshold.
        var invalidFrames: [ContinuousClock.Instant] = []
        /// Operations handed to a ticket and not yet answered.
        var submitting = 0
        /// The server is shutting down: no new operation is taken.
        var closing = false
        /// The connection is closing: no further message is handled.
        var ended = false
        /// Messages received and not yet handled, oldest first.
        var inbox = CircularBuffer<String>(initialCapacity: 0)
        /// A task owns the handling of messages: ``start(identity:)`` first, then the inbox's;
        /// the clean-up after the socket closed runs in the same turn, after the last message.
        var handling = true
        /// The socket is closed: clean up once no message is being handled.
        var gone = false
        /// The channel stopped reading because the inbox was full.
        var readingPaused = false
    }

    init(service: LiveService, connection: Connection, logger: Logger) {
        self.service = service
        self.connection = connection
        self.baseLogger = logger
    }

    /// Tagged with the connection's address; made when something is logged.
    var logger: Logger {
        var logger = baseLogger
        logger[metadataKey: "ws.connection"] = "\(connection.address)"
        return logger
    }

    // MARK: State

    /// Who is on the connection; `nil` until it authenticates.
    var identity: AuthenticatedIdentity? {
        get { state.withLock { $0.identity } }
        set { state.withLock { $0.identity = newValue } }
    }

    var subscriptions: Subscriptions { state.withLock { $0.subscriptions } }

    func holds(_ topic: Topic) -> Bool { state.withLock { $0.subscriptions.contains(topic) } }

    /// Adds a topic unless held or over the limit; returns why it was refused, or `nil`.
    func addSubscription(_ topic: Topic) -> ProtocolError.Code? {
        let limit = service.settings.maxSubscriptions
        return state.withLock { $0.subscriptions.add(topic, limit: limit) }
    }

    func removeSubscription(_ topic: Topic) { state.withLock { $0.subscriptions.remove(topic) } }

    func markPresent(_ topic: Topic) { state.withLock { $0.subscriptions.markPresent(topic) } }

    /// Starts an operation; `false` once the session is closing for a shutdown.
    func beginSubmission() -> Bool {
        state.withLock { state in
            guard !state.closing else { return false }
            state.submitting += 1
            return true
        }
    }

    func endSubmission() { state.withLock { $0.submitting -= 1 } }

    /// Records an invalid frame; true when the client has sent too many recently.
    private func recordInvalid() -> Bool {
        let now = ContinuousClock.now
        let (limit, window) = (service.settings.maxInvalidFrames, service.settings.invalidWindow)
        return state.withLock { state in
            state.invalidFrames.removeAll { now - $0 > window }
            state.invalidFrames.append(now)
            return state.invalidFrames.count >= limit
        }
    }

    // MARK: Lifecycle

    /// Starts serving the connection: installs the signal handler and, when the upgrade
    /// carried a credential, registers the identity and says hello.
    func start(identity: AuthenticatedIdentity?) async {
        connection.onSignal { [self] signal in
            switch signal {
            case .recheck:
                await recheck()
                return true
            case .close(let code, let reason):
                if code == CloseCode.goingAway { await finishSubmissions() }
                close(code: code, reason: reason)
                return false
            }
        }
        if let identity { await authenticated(identity) }
        await handleInbox()
    }

    /// Takes a client message; false when the inbox is full and the socket should not be
    /// read until ``Connection/resumeReading()``.
    func receive(_ text: String) -> Bool {
        let limit = service.settings.inboundBacklog
        let (start, accepting) = state.withLock { state -> (Bool, Bool) in
            guard !state.ended else { return (false, true) }
            state.inbox.append(text)
            let start = !state.handling
            state.handling = true
            let full = state.inbox.count >= limit
            if full { state.readingPaused = true }
            return (start, !full)
        }
        if start { Task { await self.handleInbox() } }
        return accepting
    }

    /// Handles the inbox until it is empty or the connection closes; cleans up when the
    /// socket closed meanwhile.
    private func handleInbox() async {
        let resumeBelow = max(1, service.settings.inboundBacklog / 2)
        enum Step {
            case handle(String, resumeReading: Bool)
            case idle
            case cleanUp
        }
        while true {
            let step = state.withLock { state -> Step in
                guard !state.ended, let next = state.inbox.popFirst() else {
                    state.inbox.removeAll()
                    if state.gone { return .cleanUp }
                    state.handling = false
                    return .idle
                }
                let resume = state.readingPaused && state.inbox.count < resumeBelow
                if resume { state.readingPaused = false }
                return .handle(next, resumeReading: resume)
            }
            switch step {
            case .handle(let text, let resume):
                if resume { connection.resumeReading() }
                await handle(text)
            case .idle:
                return
            case .cleanUp:
                await cleanUp()
                return
            }
        }
    }

    /// The connection began to close: no further message is handled.
    func closing() {
        state.withLock { state in
            state.ended = true
            state.inbox.removeAll()
        }
        connection.close()
    }

    /// The socket is gone: drops what is queued; once no message is being handled, leaves
    /// every subscription and forgets the connection.
    func ended() {
        let cleanUpNow = state.withLock { state in
            state.ended = true
            state.gone = true
            state.inbox.removeAll()
            guard !state.handling else { return false }
            state.handling = true
            return true
        }
        connection.discard()
        if cleanUpNow { Task { await cleanUp() } }
    }

    /// Sends an error frame; closes the connection when the client keeps sending bad frames.
    func reject(_ error: ProtocolError) {
        guard !isEnded else { return }
        connection.enqueue(ServerFrame.error(error), topic: nil)
        if recordInvalid() { close(code: CloseCode.abusive, reason: "too many invalid messages") }
    }

    /// On shutdown: takes no new operation and waits (at most two seconds) for the one being
    /// committed, so that its acknowledgement is queued before the close and not lost with it.
    private func finishSubmissions() async {
        let inFlight = state.withLock { state in
            state.closing = true
            return state.submitting > 0
        }
        guard inFlight else { return }
        let deadline = ContinuousClock.now + .seconds(2)
        while state.withLock({ $0.submitting > 0 }) && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// Closes the connection with `code`: nothing more is handled or queued; what is queued is
    /// written, then the close frame, within the channel handler's close deadline.
    func close(code: UInt16, reason: String) {
        state.withLock { state in
            state.ended = true
            state.inbox.removeAll()
        }
        connection.close(code: code, reason: reason)
    }

    /// Whether the connection is closing (no message is handled any more).
    var isEnded: Bool { state.withLock { $0.ended } }

    /// Registers the identity on the connection and says hello; over the user's connection
    /// cap, says why and closes (4009).
    func authenticated(_ identity: AuthenticatedIdentity) async {
        let cap = service.settings.maxConnectionsPerUser
        guard service.hub.admit(connection, user: identity.user.id, cap: cap) else {
            connection.enqueue(
                ServerFrame.error(
                    ProtocolError(.tooManyConnections, "At most \(cap) connections per user; close one and reconnect.")),
                topic: nil)
            close(code: CloseCode.tooManyConnections, reason: "too many connections")
            return
        }
        self.identity = identity
        await service.registry.session(identity.user.id).connected(
            connection.address, session: identity.session.id, now: service.clock.now())
        connection.enqueue(
            ServerFrame.hello(
                user: identity.user, connection: connection.address, heartbeatSeconds: service.settings.heartbeatSeconds),
            topic: nil)
    }

    /// Leaves every subscription and forgets the connection.
    private func cleanUp() async {
        for topic in subscriptions.topics {
            await leave(topic)
        }
        if let identity {
            await service.registry.session(identity.user.id).disconnected(connection.address, now: service.clock.now())
        }
        service.hub.remove(connection)
    }
}
