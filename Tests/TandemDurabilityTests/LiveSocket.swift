// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOWebSocket

/// One WebSocket connection to `/ws`, as two streams: frames to send, and events received.
///
/// The connection runs in its own task; `events` ends after a `.closed` event, whether the
/// server closed it (with the code it gave), the socket dropped, or `abort()` was called.
final class LiveSocket: Sendable {
    enum Event: Sendable {
        case text(String)
        /// The connection ended; `code` is the server's close code when it sent one.
        case closed(code: UInt16?, error: String?)
    }

    let events: AsyncStream<Event>
    private let outgoing: AsyncStream<String>.Continuation
    private let sink: AsyncStream<Event>.Continuation

    init(_ endpoint: LiveEndpoint, token: String) {
        let (events, sink) = AsyncStream.makeStream(of: Event.self)
        let (frames, outgoing) = AsyncStream.makeStream(of: String.self)
        self.events = events
        self.sink = sink
        self.outgoing = outgoing
        var logger = Logger(label: "durability.ws")
        logger.logLevel = .critical
        let configuration = WebSocketClientConfiguration(
            maxFrameSize: 64 << 20, additionalHeaders: [.authorization: "Bearer \(token)"],
            closeTimeout: .seconds(2))
        Task {
            do {
                let close = try await WebSocketClient.connect(
                    url: endpoint.url, configuration: configuration, tlsConfiguration: endpoint.tls, logger: logger
                ) { inbound, outbound, _ in
                    await withTaskGroup(of: Void.self) { group in
                        group.addTask {
                            for await frame in frames {
                                do { try await outbound.write(.text(frame)) } catch { return }
                            }
                        }
                        group.addTask {
                            do {
                                for try await message in inbound.messages(maxSize: 64 << 20) {
                                    if case .text(let text) = message { sink.yield(.text(text)) }
                                }
                            } catch {}
                        }
                        // Either side ending ends the connection.
                        await group.next()
                        group.cancelAll()
                    }
                }
                sink.yield(.closed(code: close.map { UInt16(webSocketErrorCode: $0.closeCode) }, error: nil))
            } catch {
                sink.yield(.closed(code: nil, error: "\(error)"))
            }
            sink.finish()
        }
    }

    func send(_ frame: String) { outgoing.yield(frame) }

    /// Closes from our side (the server answers the close).
    func close() { outgoing.finish() }

    /// Stops listening at once (a watchdog): `events` ends even if the socket hangs.
    func abort(_ why: String) {
        sink.yield(.closed(code: nil, error: why))
        sink.finish()
        outgoing.finish()
    }
}

/// Reads one socket's events from a single task, decoding frames.
struct FrameReader {
    private var iterator: AsyncStream<LiveSocket.Event>.Iterator
    /// Set once the connection ended.
    private(set) var closeCode: UInt16?
    private(set) var closeError: String?
    private(set) var ended = false

    init(_ socket: LiveSocket) {
        iterator = socket.events.makeAsyncIterator()
    }

    /// The next frame, or nil once the connection ended. Undecodable text is returned as an `invalid` frame.
    mutating func next() async -> ServerFrame? {
        guard !ended else { return nil }
        switch await iterator.next() {
        case .text(let text):
            return (try? ServerFrame(decoding: text))
                ?? ServerFrame(type: "invalid", message: String(text.prefix(200)))
        case .closed(let code, let error):
            closeCode = code
            closeError = error
            ended = true
            return nil
        case nil:
            ended = true
            return nil
        }
    }

    /// The next frame of one of `types`, skipping others (hello, presence…); nil if the connection ends.
    mutating func next(_ types: Set<String>) async -> ServerFrame? {
        while let frame = await next() {
            if types.contains(frame.type) { return frame }
        }
        return nil
    }
}

extension ServerFrame {
    init(type: String, message: String) {
        self.type = type
        self.message = message
    }
}
