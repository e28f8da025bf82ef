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
/// Each connection has three parts: a reader that handles client frames in order,
/// a writer that drains the connection's outbound queue, and a signal handler for
/// closes and permission re-checks requested by actors. See docs/PROTOCOL.md.
struct LiveService: Sendable {
    static let subprotocol = "tandem.v1"

    let registry: ActorRegistry
    let hub: ConnectionHub
    let auth: AuthService
    let store: any TandemStore
    let clock: any TandemClock
    let settings: LiveSettings
    let policy = AccessPolicy()

    /// Whether the handshake's `Origin` (if any) is allowed.
    ///
    /// Browsers send the page's origin (`http`, `https` or `null`). An origin with a `ws` or
    /// `wss` scheme never comes from a browser: it is what non-browser client libraries send
    /// (Hummingbird's WebSocket client always sends `ws://<host>`), so it is treated like a
    /// missing header. The check only exists to protect cookie-carrying browsers.
    func originAllowed(_ origin: String?) -> Bool {
        guard let origin else { return true }
        let scheme = origin.prefix { $0 != ":" }.lowercased()
        if scheme == "ws" || scheme == "wss" { return true }
        return settings.allowedOrigins.contains(origin)
    }

    func run(
        inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter, identity: AuthenticatedIdentity?,
        logger: Logger
    ) async {
        let connection = hub.open()
        let state = ConnectionState()
        let logger = {
            var logger = logger
            logger[metadataKey: "ws.connection"] = "\(connection.address)"
            return logger
        }()
        if let identity { await authenticated(identity, state: state, connection: connection) }

        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                // Writer: the only task that writes data frames.
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
            group.addTask {
                // Signals: closes and re-checks asked by actors, and graceful shutdown.
                await withGracefulShutdownHandler {
                    for await signal in connection.signals {
                        switch signal {
                        case .recheck:
                            await recheck(state: state, connection: connection, logger: logger)
                        case .close(let code, let reason):
                            await close(outbound, connection: connection, code: code, reason: reason)
                            return
                        }
                    }
                } onGracefulShutdown: {
                    connection.signal(.close(code: CloseCode.goingAway, reason: "server shutting down"))
                }
            }
            if identity == nil {
                group.addTask {
                    try? await Task.sleep(for: settings.authenticationTimeout)
                    if state.identity == nil {
                        connection.signal(.close(code: CloseCode.authenticationTimeout, reason: "authenticate first"))
                    }
                }
            }
            // Reader: frames are handled one at a time, in order.
            do {
                for try await message in inbound.messages(maxSize: settings.maxMessageBytes) {
                    guard case .text(let text) = message else {
                        reject(ProtocolError(.invalidMessage, "Send JSON text frames."), state, connection)
                        continue
                    }
                    await handle(text, state: state, connection: connection, outbound: outbound, logger: logger)
                }
            } catch {
                logger.debug("websocket read ended", metadata: ["error": "\(error)"])
            }
            await cleanUp(state: state, connection: connection)
            group.cancelAll()
        }
    }

    /// Sends an error frame; closes the connection when the client keeps sending bad frames.
    func reject(_ error: ProtocolError, _ state: ConnectionState, _ connection: Connection) {
        connection.enqueue(ServerFrame.error(error), topic: nil)
        if state.recordInvalid(limit: settings.maxInvalidFrames, window: settings.invalidWindow) {
            connection.signal(.close(code: CloseCode.abusive, reason: "too many invalid messages"))
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
