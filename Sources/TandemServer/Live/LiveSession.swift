// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import Synchronization
import TandemActors
import TandemCore

/// One live-protocol connection (ShareDB's `Agent`): who is on it, what it is subscribed to,
/// its abuse and shutdown state, and the handling of its frames. The node-wide parts (actors,
/// store, settings) come from its ``LiveService``; the outbound side is its ``Connection``.
///
/// A session adds no long-lived task of its own: ``run(inbound:channel:identity:)`` is the
/// reader, in Hummingbird's WebSocket task, and handles client frames in order. Its outbound
/// queue is drained on the channel's event loop by a ``FrameWriter``; closes and permission
/// re-checks requested by actors run in a short-lived task when they happen (``SignalMailbox``);
/// the authentication deadline is an event-loop timer.
///
/// The reader and the signal handler run concurrently: the session's state is behind a lock,
/// and actor calls are always made outside it.
final class LiveSession: Sendable {
    let service: LiveService
    let connection: Connection
    let outbound: WebSocketOutboundWriter
    /// Tagged with the connection's address.
    let logger: Logger
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
    }

    init(service: LiveService, connection: Connection, outbound: WebSocketOutboundWriter, logger: Logger) {
        self.service = service
        self.connection = connection
        self.outbound = outbound
        var logger = logger
        logger[metadataKey: "ws.connection"] = "\(connection.address)"
        self.logger = logger
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

    /// Serves the connection until its socket closes, then leaves every subscription.
    func run(inbound: WebSocketInboundStream, channel: any Channel, identity: AuthenticatedIdentity?) async {
        let connection = self.connection
        // Frames go straight from the queue to the socket on the event loop; without the
        // usual pipeline (never expected) a writer task drains the queue instead.
        let direct: Bool
        do {
            try await FrameWriter.install(on: channel, for: connection)
            direct = true
        } catch {
            logger.warning("websocket frames go through a writer task", metadata: ["error": "\(error)"])
            direct = false
        }
        connection.onSignal { [self] signal in
            switch signal {
            case .recheck:
                await recheck()
                return true
            case .close(let code, let reason):
                if code == CloseCode.goingAway { await finishSubmissions() }
                await close(code: code, reason: reason)
                return false
            }
        }
        let authenticationDeadline: Scheduled<Void>?
        if let identity {
            await authenticated(identity)
            authenticationDeadline = nil
        } else {
            authenticationDeadline = channel.eventLoop.scheduleTask(in: TimeAmount(service.settings.authenticationTimeout)) {
                [self] in
                if self.identity == nil {
                    connection.signal(.close(code: CloseCode.authenticationTimeout, reason: "authenticate first"))
                }
            }
        }
        await withGracefulShutdownHandler {
            if direct {
                await read(inbound)
            } else {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { [outbound] in await Self.write(connection, to: outbound) }
                    await read(inbound)
                    connection.close()
                }
            }
        } onGracefulShutdown: {
            connection.signal(.close(code: CloseCode.goingAway, reason: "server shutting down"))
        }
        authenticationDeadline?.cancel()
        await cleanUp()
    }

    /// The reader: frames are handled one at a time, in order, until the socket closes.
    private func read(_ inbound: WebSocketInboundStream) async {
        var assembler = MessageAssembler(maxBytes: service.settings.maxMessageBytes)
        do {
            for try await frame in inbound {
                guard let message = try assembler.add(frame) else { continue }
                guard case .text(let text) = message else {
                    reject(ProtocolError(.invalidMessage, "Send JSON text frames."))
                    continue
                }
                await handle(text)
            }
        } catch let failure as MessageAssembler.Failure {
            logger.debug("websocket message refused", metadata: ["error": "\(failure)"])
            let reason = failure == .tooLarge ? "message too big" : "protocol error"
            await close(code: failure.closeCode, reason: reason)
        } catch {
            logger.debug("websocket read ended", metadata: ["error": "\(error)"])
        }
    }

    /// Drains the queue through Hummingbird's writer, one frame at a time (fallback only).
    private static func write(_ connection: Connection, to outbound: WebSocketOutboundWriter) async {
        while let frames = await connection.next() {
            for frame in frames {
                do {
                    try await outbound.write(.custom(.init(fin: true, opcode: .text, data: frame)))
                } catch {
                    return
                }
            }
        }
    }

    /// Sends an error frame; closes the connection when the client keeps sending bad frames.
    func reject(_ error: ProtocolError) {
        connection.enqueue(ServerFrame.error(error), topic: nil)
        if recordInvalid() {
            connection.signal(.close(code: CloseCode.abusive, reason: "too many invalid messages"))
        }
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

    func close(code: UInt16, reason: String) async {
        connection.close()
        // Let the writer write everything queued (up to half a second) before the close frame goes out.
        for _ in 0..<50 where !connection.isDrained { try? await Task.sleep(for: .milliseconds(10)) }
        try? await outbound.close(.unknown(code), reason: reason)
    }

    /// Registers the identity on the connection and says hello.
    func authenticated(_ identity: AuthenticatedIdentity) async {
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
