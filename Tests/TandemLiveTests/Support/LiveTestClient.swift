// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket
import Synchronization

/// A WebSocket client of the Tandem protocol for tests, over a real socket.
///
/// Every text frame the server sends goes to ``inbox``; `onFrame` (if given) sees each
/// frame first, on the reading task, in order. Reading can be paused (``pauseReading()``)
/// to play a slow consumer: the socket then stops being drained and the server's
/// writes back up.
final class LiveTestClient: Sendable {
    let name: String
    let inbox = Inbox()
    private let writer = Mutex<WebSocketOutboundWriter?>(nil)
    private let gate = ReadGate()
    private let task = Mutex<Task<Void, Never>?>(nil)

    private init(name: String) { self.name = name }

    /// Connects to `ws://127.0.0.1:<port>/ws`. With `token`, authenticates in the handshake
    /// (`Authorization: Bearer`); `origin` adds an `Origin` header. Returns once the socket
    /// is open (not once `hello` arrived: see ``connectAndGreet``). Throws when the upgrade fails.
    static func connect(
        port: Int, token: String?, name: String = "client", origin: String? = nil, subprotocol: Bool = true,
        onFrame: (@Sendable (ServerMessage, LiveTestClient) async -> Void)? = nil
    ) async throws -> LiveTestClient {
        let client = LiveTestClient(name: name)
        var headers = HTTPFields()
        if let token { headers[.authorization] = "Bearer \(token)" }
        if let origin { headers[.origin] = origin }
        if subprotocol { headers[.secWebSocketProtocol] = "tandem.v1" }
        let configuration = WebSocketClientConfiguration(maxFrameSize: 1 << 24, additionalHeaders: headers)
        var logger = Logger(label: "tandem.live-test.\(name)")
        logger.logLevel = .critical
        let opened = OpenSignal()
        let inbox = client.inbox
        let gate = client.gate
        let task = Task {
            do {
                let close = try await WebSocketClient.connect(
                    url: "ws://127.0.0.1:\(port)/ws", configuration: configuration, logger: logger
                ) { inbound, outbound, _ in
                    client.writer.withLock { $0 = outbound }
                    opened.open(nil)
                    var messages = inbound.messages(maxSize: 1 << 26).makeAsyncIterator()
                    while true {
                        await gate.wait()
                        guard let message = try await messages.next() else { break }
                        guard case .text(let text) = message else { continue }
                        let received = inbox.append(text)
                        await onFrame?(received, client)
                    }
                }
                inbox.finish(CloseInfo(code: close.map { Self.number($0.closeCode) }, reason: close?.reason))
            } catch {
                inbox.finish(CloseInfo(code: nil, reason: nil, error: "\(error)"))
            }
            opened.open(inbox.closeInfo)
        }
        client.task.withLock { $0 = task }
        if let failure = await opened.wait(timeout: .seconds(10)) {
            throw ConnectFailed(info: failure)
        }
        return client
    }

    /// Connects with a token and waits for `hello`.
    static func connectAndGreet(
        port: Int, token: String, name: String = "client",
        onFrame: (@Sendable (ServerMessage, LiveTestClient) async -> Void)? = nil
    ) async throws -> LiveTestClient {
        let client = try await connect(port: port, token: token, name: name, onFrame: onFrame)
        _ = try await client.inbox.next("hello")
        return client
    }

    struct ConnectFailed: Error, CustomStringConvertible {
        var info: CloseInfo
        var description: String { "WebSocket connection failed: \(info)" }
    }

    // MARK: Sending

    /// Sends one text frame (any text: tests send broken frames on purpose).
    func send(_ text: String) async throws {
        guard let writer = writer.withLock({ $0 }) else { throw ConnectFailed(info: CloseInfo(error: "not open")) }
        try await writer.write(.text(text))
    }

    /// Sends one text message split into WebSocket frames of `fragmentSize` bytes.
    func sendFragmented(_ text: String, fragmentSize: Int) async throws {
        guard let writer = writer.withLock({ $0 }) else { throw ConnectFailed(info: CloseInfo(error: "not open")) }
        var buffer = ByteBuffer(string: text)
        var first = true
        while buffer.readableBytes > 0 {
            let slice = buffer.readSlice(length: min(fragmentSize, buffer.readableBytes))!
            let frame = WebSocketFrame(fin: buffer.readableBytes == 0, opcode: first ? .text : .continuation, data: slice)
            try await writer.write(.custom(frame))
            first = false
        }
    }

    func send(_ object: [String: Any]) async throws {
        try await send(jsonText(object))
    }

    /// Subscribes and returns the reply (`snapshot`, `ops`, `queue`, `notifications`) or the error.
    @discardableResult
    func subscribe(_ topic: String, from version: Int64? = nil, timeout: Duration = .seconds(5)) async throws -> ServerMessage {
        let ref = "sub-\(topic)-\(UInt32.random(in: 0...UInt32.max))"
        var frame: [String: Any] = ["type": "subscribe", "topic": topic, "ref": ref]
        if let version { frame["v"] = version }
        try await send(frame)
        return try await inbox.next("reply to subscribe \(topic)", timeout: timeout) { $0.json["ref"]?.string == ref }
    }

    /// Sends an `op` frame (`op` is the wire form of a ``TicketChange``) without waiting for its answer.
    func submit(ticket: String, client: String, seq: Int64, version: Int64, op: [String: Any]) async throws {
        try await send(["type": "op", "topic": "ticket:\(ticket)", "client": client, "seq": seq, "v": version, "op": op])
    }

    /// Sends a frame (with a fresh `ref`) and waits for the first error frame after it.
    /// Frames are handled in order, so with nothing else outstanding that error answers it;
    /// whether the error echoes the `ref` is for the caller to check.
    func expectError(_ object: [String: Any], timeout: Duration = .seconds(5)) async throws -> ServerMessage {
        let ref = "bad-\(UInt32.random(in: 0...UInt32.max))"
        var object = object
        object["ref"] = ref
        let mark = inbox.mark
        try await send(object)
        return try await inbox.next("error answering \(ref)", timeout: timeout) { $0.index > mark && $0.type == "error" }
    }

    /// Round trip: a `ping` answered by `pong` proves the connection is open and caught up.
    func ping(timeout: Duration = .seconds(5)) async throws {
        let ref = "ping-\(UInt32.random(in: 0...UInt32.max))"
        try await send(["type": "ping", "ref": ref])
        _ = try await inbox.next("pong", timeout: timeout) { $0.type == "pong" && $0.json["ref"]?.string == ref }
    }

    // MARK: Flow

    /// Stops reading from the socket (a slow consumer); frames back up in the kernel and the server.
    func pauseReading() { gate.close() }
    func resumeReading() { gate.open() }

    /// Closes the connection from the client side and waits until it has ended.
    func close() async {
        if let writer = writer.withLock({ $0 }), !inbox.isClosed {
            try? await writer.close(.normalClosure, reason: "test done")
        }
        gate.open()
        _ = try? await inbox.waitForClose(timeout: .seconds(5))
        task.withLock { $0 }?.cancel()
    }

    private static func number(_ code: WebSocketErrorCode) -> UInt16 {
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: code)
        return buffer.readInteger(as: UInt16.self) ?? 0
    }
}

/// A one-shot signal: the socket opened (`nil`) or the connection failed (its close info).
private final class OpenSignal: Sendable {
    private let state = Mutex<(done: Bool, failure: CloseInfo?)>((false, nil))

    func open(_ failure: CloseInfo?) {
        state.withLock { if !$0.done { $0 = (true, failure) } }
    }

    func wait(timeout: Duration) async -> CloseInfo? {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            let (done, failure) = state.withLock { $0 }
            if done { return failure }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return CloseInfo(error: "connect timed out")
    }
}

/// Lets the reading loop pass, or holds it.
private final class ReadGate: Sendable {
    private let closed = Mutex(false)

    func close() { closed.withLock { $0 = true } }
    func open() { closed.withLock { $0 = false } }

    func wait() async {
        while closed.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }
}
