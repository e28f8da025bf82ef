// One WebSocket client connection on raw NIO channel handlers: an HTTP/1.1 upgrade, then
// WebSocket frames straight into the adapter. No Swift Task per socket: every connection
// lives on the generator's single event loop, so 20,000 of them cost a few KB each.

import NIOCore
import NIOHTTP1
import NIOPosix
import NIOWebSocket

/// An editor: sends operations and tracks what it needs to build the next one.
final class Editor: @unchecked Sendable {
    let room: Int
    /// Its index within the room (0 is the room's trimmer in the Tandem adapter).
    let slot: Int
    /// Its index among all editors of the run (picks its login).
    let global: Int
    let client: String
    unowned(unsafe) var conn: Conn!
    /// The next sequence number; sequence numbers are dense from 0.
    var nextSeq = 0
    var inFlight = 0
    /// Send time (monotonic ns) of each sequence number; 0 = not sent.
    var sendTimes: [UInt64] = []
    /// Sequence numbers that were trims (Tandem: deletes that keep the draft bounded).
    var trimSeqs: Set<Int> = []
    /// Sequence numbers in flight, oldest first (nchan acknowledges publishes in order).
    var pending = CircularBuffer<Int>(initialCapacity: 64)
    /// Highest version seen (ack or op), the ticket's version when subscribed, and trims seen.
    var maxVersion: Int64 = 0
    var initialVersion: Int64 = 0
    var trimsSeen = 0
    var trimInFlight = false
    var exhausted = false

    init(room: Int, slot: Int, global: Int, client: String) {
        self.room = room
        self.slot = slot
        self.global = global
        self.client = client
        sendTimes.reserveCapacity(4096)
    }
}

final class Conn: @unchecked Sendable {
    let index: Int
    let room: Int
    let editor: Editor?
    var channel: Channel?
    let mask: WebSocketMaskingKey
    var connectStart: UInt64 = 0
    var readyAt: UInt64 = 0
    var upgraded = false
    var ready = false
    var finished = false  // ready or failed (counted once)
    var closed = false
    var helloSeen = false

    init(index: Int, room: Int, editor: Editor?) {
        self.index = index
        self.room = room
        self.editor = editor
        self.mask = WebSocketMaskingKey.random()
    }

    /// Sends one message (a single final frame).
    @inline(__always)
    func send(_ opcode: UInt8, _ payload: UnsafeRawBufferPointer) {
        guard let channel, !closed else { return }
        if Codec.raw {
            channel.writeAndFlush(FrameWriter.frame(opcode: opcode, payload: payload, allocator: channel.allocator), promise: nil)
        } else {
            var data = channel.allocator.buffer(capacity: payload.count)
            data.writeBytes(payload)
            let frame = WebSocketFrame(
                fin: true, opcode: WebSocketOpcode(encodedWebSocketOpcode: opcode)!, maskKey: mask, data: data)
            channel.writeAndFlush(frame, promise: nil)
        }
    }

    func send(_ opcode: UInt8, _ buffer: ByteBuffer) {
        buffer.withUnsafeReadableBytes { send(opcode, $0) }
    }

    func send(_ opcode: UInt8, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { send(opcode, $0) }
    }

    func sendText(_ text: String) {
        var text = text
        text.withUTF8 { send(Opcode.text, UnsafeRawBufferPointer($0)) }
    }
}

enum Opcode {
    static let text: UInt8 = 0x1
    static let binary: UInt8 = 0x2
    static let ping: UInt8 = 0x9
    static let pong: UInt8 = 0xA
}

enum Codec {
    /// true: RawWebSocketHandler (default); false: NIOHTTP1 + NIOWebSocket handlers.
    nonisolated(unsafe) static var raw = true
}

/// Sends the upgrade request when the TCP connection is up; sees the response only when the
/// server refused the upgrade.
final class UpgradeRequester: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPClientResponsePart
    typealias OutboundOut = HTTPClientRequestPart

    let head: HTTPRequestHead
    let conn: Conn
    unowned let bench: Bench

    init(head: HTTPRequestHead, conn: Conn, bench: Bench) {
        self.head = head
        self.conn = conn
        self.bench = bench
    }

    func channelActive(context: ChannelHandlerContext) {
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        if case .head(let response) = unwrapInboundIn(data) {
            bench.failed(conn, "upgrade refused: HTTP \(response.status.code)")
            context.close(promise: nil)
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !conn.upgraded { bench.failed(conn, "closed before the upgrade") }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        bench.failed(conn, "handshake: \(error)")
        context.close(promise: nil)
    }
}

/// The WebSocket side: frames to the adapter, pings answered, closes counted.
final class FrameHandler: ChannelInboundHandler {
    typealias InboundIn = WebSocketFrame
    typealias OutboundOut = WebSocketFrame

    let conn: Conn
    unowned let bench: Bench

    init(conn: Conn, bench: Bench) {
        self.conn = conn
        self.bench = bench
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text, .binary:
            frame.data.withUnsafeReadableBytes { bench.adapter.received(conn, $0, binary: frame.opcode == .binary) }
        case .ping:
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: conn.mask, data: frame.data)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            bench.pongs += 1
        case .connectionClose:
            bench.serverClosed(conn, frame.data)
            context.close(promise: nil)
        default:
            bench.error(conn, "unexpected frame \(frame.opcode)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        bench.closed(conn)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        bench.error(conn, "socket: \(error)")
        context.close(promise: nil)
    }
}

extension Bench {
    /// Opens `conn`: TCP, HTTP upgrade, then the adapter's `opened`.
    func open(_ conn: Conn) {
        conn.connectStart = nowNanos()
        if Codec.raw {
            openRaw(conn)
            return
        }
        let path = adapter.path(for: conn)
        var headers = HTTPHeaders()
        headers.add(name: "Host", value: "\(options.host):\(options.port)")
        // Without a length NIO's encoder would send the GET chunked, which some servers reject.
        headers.add(name: "Content-Length", value: "0")
        for (name, value) in adapter.headers(for: conn) { headers.add(name: name, value: value) }
        let head = HTTPRequestHead(version: .http1_1, method: .GET, uri: path, headers: headers)
        let bench = self
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(30))
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                let upgrader = NIOWebSocketClientUpgrader(
                    maxFrameSize: 1 << 24, automaticErrorHandling: false,
                    upgradePipelineHandler: { channel, _ in
                        channel.eventLoop.makeCompletedFuture {
                            let sync = channel.pipeline.syncOperations
                            let requester = try sync.handler(type: UpgradeRequester.self)
                            sync.removeHandler(requester, promise: nil)
                            try sync.addHandler(FrameHandler(conn: conn, bench: bench))
                            conn.channel = channel
                            conn.upgraded = true
                            bench.upgraded(conn)
                        }
                    })
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHTTPClientHandlers(
                        leftOverBytesStrategy: .forwardBytes,
                        withClientUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                    try sync.addHandler(UpgradeRequester(head: head, conn: conn, bench: bench))
                }
            }
        if let source = sourceAddress(for: conn.index) {
            bootstrap = bootstrap.bind(to: source)
        }
        bootstrap.connect(to: serverAddress).whenComplete { result in
            switch result {
            case .success(let channel):
                conn.channel = channel
                if conn.closed || self.shuttingDown { channel.close(promise: nil) }
            case .failure(let error):
                bench.failed(conn, "connect: \(error)")
            }
        }
    }

    private func openRaw(_ conn: Conn) {
        let handler = RawWebSocketHandler(
            conn: conn, bench: self, path: adapter.path(for: conn), host: "\(options.host):\(options.port)",
            headers: adapter.headers(for: conn))
        var bootstrap = ClientBootstrap(group: loop)
            .connectTimeout(.seconds(30))
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
        if let source = sourceAddress(for: conn.index) {
            bootstrap = bootstrap.bind(to: source)
        }
        bootstrap.connect(to: serverAddress).whenComplete { result in
            switch result {
            case .success(let channel):
                conn.channel = channel
                if conn.closed || self.shuttingDown { channel.close(promise: nil) }
            case .failure(let error):
                self.failed(conn, "connect: \(error)")
            }
        }
    }
}
