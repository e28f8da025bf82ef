//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Hummingbird
import HummingbirdWebSocket
import Logging
import NIOCore
import ServiceLifecycle
import TandemActors
import TandemCore
import TandemStore

/// The WebSocket endpoint `/ws` (subprotocol `tandem.v1`): one `run` per connection.
///
/// A connection adds no long-lived task of its own: `run` is the reader, in Hummingbird's
/// WebSocket task, and handles client frames in order. Its outbound queue is drained on the
/// channel's event loop by a ``FrameWriter``; closes and permission re-checks requested by
/// actors run in a short-lived task when they happen; the authentication deadline is an
/// event-loop timer. See docs/PROTOCOL.md.
struct LiveService: Sendable {
    static let subprotocol = "tandem.v1"

    let registry: ActorRegistry
    let hub: ConnectionHub
    let auth: AuthService
    let store: any TandemStore
    let clock: any TandemClock
    let settings: LiveSettings
    let policy = AccessPolicy()
    /// Identities of credentials recently checked on upgrade (see ``UpgradeAuthenticationMiddleware``).
    let identities = IdentityCache()

    /// Which browser origins may connect (``OriginPolicy``).
    let origins: OriginPolicy
    /// Refused origins, logged at most once a minute each.
    let originRefusals = OriginRefusalLog()

    /// Whether the request's `Origin` may open a WebSocket on this connection; a refusal is
    /// logged (rate-limited) with the setting that would allow it.
    func checkOrigin(_ request: Request, context: TandemRequestContext) -> Bool {
        let origin = request.headers[.origin]
        let host = request.head.authority
        let port = context.channel.localAddress?.port
        if origins.allows(origin: origin, host: host, localPort: port) { return true }
        originRefusals.refused(origin: origin ?? "", host: host, policy: origins, localPort: port, logger: context.logger)
        return false
    }

    func run(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, channel: any Channel,
        identity: AuthenticatedIdentity?, logger: Logger
    ) async {
        let connection = hub.open()
        let state = ConnectionState()
        let logger = {
            var logger = logger
            logger[metadataKey: "ws.connection"] = "\(connection.address)"
            return logger
        }()
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
        connection.onSignal { signal in
            switch signal {
            case .recheck:
                await recheck(state: state, connection: connection, logger: logger)
                return true
            case .close(let code, let reason):
                if code == CloseCode.goingAway { await finishSubmissions(state) }
                await close(outbound, connection: connection, code: code, reason: reason)
                return false
            }
        }
        let authenticationDeadline: Scheduled<Void>?
        if let identity {
            await authenticated(identity, state: state, connection: connection)
            authenticationDeadline = nil
        } else {
            authenticationDeadline = channel.eventLoop.scheduleTask(in: TimeAmount(settings.authenticationTimeout)) {
                if state.identity == nil {
                    connection.signal(.close(code: CloseCode.authenticationTimeout, reason: "authenticate first"))
                }
            }
        }
        await withGracefulShutdownHandler {
            if direct {
                await read(inbound, state: state, connection: connection, outbound: outbound, logger: logger)
            } else {
                await withTaskGroup(of: Void.self) { group in
                    group.addTask { await Self.write(connection, to: outbound) }
                    await read(inbound, state: state, connection: connection, outbound: outbound, logger: logger)
                    connection.close()
                }
            }
        } onGracefulShutdown: {
            connection.signal(.close(code: CloseCode.goingAway, reason: "server shutting down"))
        }
        authenticationDeadline?.cancel()
        await cleanUp(state: state, connection: connection)
    }

    /// The reader: frames are handled one at a time, in order, until the socket closes.
    private func read(
        _ inbound: WebSocketInboundStream, state: ConnectionState, connection: Connection,
        outbound: WebSocketOutboundWriter, logger: Logger
    ) async {
        var assembler = MessageAssembler(maxBytes: settings.maxMessageBytes)
        do {
            for try await frame in inbound {
                guard let message = try assembler.add(frame) else { continue }
                guard case .text(let text) = message else {
                    reject(ProtocolError(.invalidMessage, "Send JSON text frames."), state, connection)
                    continue
                }
                await handle(text, state: state, connection: connection, outbound: outbound, logger: logger)
            }
        } catch let failure as MessageAssembler.Failure {
            logger.debug("websocket message refused", metadata: ["error": "\(failure)"])
            let reason = failure == .tooLarge ? "message too big" : "protocol error"
            await close(outbound, connection: connection, code: failure.closeCode, reason: reason)
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
    func reject(_ error: ProtocolError, _ state: ConnectionState, _ connection: Connection) {
        connection.enqueue(ServerFrame.error(error), topic: nil)
        if state.recordInvalid(limit: settings.maxInvalidFrames, window: settings.invalidWindow) {
            connection.signal(.close(code: CloseCode.abusive, reason: "too many invalid messages"))
        }
    }

    /// On shutdown: takes no new operation and waits (at most two seconds) for the one being
    /// committed, so that its acknowledgement is queued before the close and not lost with it.
    func finishSubmissions(_ state: ConnectionState) async {
        guard state.stopSubmissions() else { return }
        let deadline = ContinuousClock.now + .seconds(2)
        while state.isSubmitting && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    func close(_ outbound: WebSocketOutboundWriter, connection: Connection, code: UInt16, reason: String) async {
        connection.close()
        // Let the writer write everything queued (up to half a second) before the close frame goes out.
        for _ in 0..<50 where !connection.isDrained { try? await Task.sleep(for: .milliseconds(10)) }
        try? await outbound.close(.unknown(code), reason: reason)
    }

    /// Registers the identity on the connection and says hello.
    func authenticated(_ identity: AuthenticatedIdentity, state: ConnectionState, connection: Connection) async {
        state.identity = identity
        await registry.session(identity.user.id).connected(connection.address, session: identity.session.id, now: clock.now())
        connection.enqueue(
            ServerFrame.hello(user: identity.user, connection: connection.address, heartbeatSeconds: settings.heartbeatSeconds),
            topic: nil)
    }

    /// Leaves every subscription and forgets the connection.
    func cleanUp(state: ConnectionState, connection: Connection) async {
        for topic in state.topics {
            await leave(topic, state: state, connection: connection)
        }
        if let identity = state.identity {
            await registry.session(identity.user.id).disconnected(connection.address, now: clock.now())
        }
        hub.remove(connection)
    }
}
