// The default client codec: one NIO channel handler per connection that does the HTTP/1.1
// upgrade and the WebSocket framing itself (RFC 6455), and hands every message to the adapter
// as a pointer into the bytes NIO read - no frame objects, no per-message allocation, no
// pipeline hops. It is what lets one core on the generator side keep up with the fastest server
// here (see Benchmarks/METHOD.md); `--codec nio` uses NIOHTTP1/NIOWebSocket's handlers instead.

import NIOCore

final class RawWebSocketHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let conn: Conn
    unowned let bench: Bench
    let request: String
    private var upgraded = false
    /// Bytes of an incomplete frame (or of the response head) kept between reads.
    private var pending: ByteBuffer?
    /// A fragmented message being assembled.
    private var fragments: ByteBuffer?
    private var fragmentsBinary = false

    init(conn: Conn, bench: Bench, path: String, host: String, headers: [(String, String)]) {
        self.conn = conn
        self.bench = bench
        var key = [UInt8](repeating: 0, count: 16)
        for i in 0..<16 { key[i] = UInt8.random(in: 0...255) }
        var request = "GET \(path) HTTP/1.1\r\nHost: \(host)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: \(base64(key))\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        self.request = request
    }

    func channelActive(context: ChannelHandlerContext) {
        conn.channel = context.channel
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: request)), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        if var kept = pending {
            pending = nil
            kept.writeBuffer(&buffer)
            buffer = kept
        }
        if !upgraded {
            guard let headEnd = buffer.readableBytesView.firstRange(of: [13, 10, 13, 10]) else {
                if buffer.readableBytes > 64 * 1024 {
                    bench.failed(conn, "response head too large")
                    context.close(promise: nil)
                } else {
                    pending = buffer
                }
                return
            }
            let headLength = headEnd.upperBound - buffer.readerIndex
            let statusOK = buffer.withUnsafeReadableBytes { Scan.hasPrefix($0, "HTTP/1.1 101") }
            if !statusOK {
                let line = buffer.getString(at: buffer.readerIndex, length: min(headLength, 40)) ?? ""
                bench.failed(conn, "upgrade refused: \(line.split(separator: "\r").first ?? "")")
                context.close(promise: nil)
                return
            }
            buffer.moveReaderIndex(forwardBy: headLength)
            upgraded = true
            conn.upgraded = true
            bench.upgraded(conn)
        }
        parseFrames(&buffer, context: context)
        if buffer.readableBytes > 0 {
            // Keep only the incomplete tail (a copy, so the big read buffer can go).
            var tail = context.channel.allocator.buffer(capacity: max(buffer.readableBytes, 256))
            tail.writeBuffer(&buffer)
            pending = tail
        }
    }

    private func parseFrames(_ buffer: inout ByteBuffer, context: ChannelHandlerContext) {
        while buffer.readableBytes >= 2 {
            let frameLength: Int? = buffer.withUnsafeReadableBytes { b -> Int? in
                let b0 = b[0]
                let b1 = b[1]
                let masked = b1 & 0x80 != 0
                var length = Int(b1 & 0x7F)
                var header = 2
                if length == 126 {
                    guard b.count >= 4 else { return nil }
                    length = Int(b[2]) << 8 | Int(b[3])
                    header = 4
                } else if length == 127 {
                    guard b.count >= 10 else { return nil }
                    var l = 0
                    for i in 2..<10 { l = l << 8 | Int(b[i]) }
                    length = l
                    header = 10
                }
                var mask: (UInt8, UInt8, UInt8, UInt8)? = nil
                if masked {
                    guard b.count >= header + 4 else { return nil }
                    mask = (b[header], b[header + 1], b[header + 2], b[header + 3])
                    header += 4
                }
                guard b.count >= header + length else { return nil }
                let payload = UnsafeRawBufferPointer(rebasing: b[header..<(header + length)])
                if mask != nil {
                    // Servers never mask; tolerate it anyway.
                    var copy = [UInt8](payload)
                    let m = [mask!.0, mask!.1, mask!.2, mask!.3]
                    for i in 0..<copy.count { copy[i] ^= m[i & 3] }
                    copy.withUnsafeBytes { frame(opcode: b0 & 0x0F, fin: b0 & 0x80 != 0, payload: $0, context: context) }
                } else {
                    frame(opcode: b0 & 0x0F, fin: b0 & 0x80 != 0, payload: payload, context: context)
                }
                return header + length
            }
            guard let frameLength else { return }
            buffer.moveReaderIndex(forwardBy: frameLength)
        }
    }

    private func frame(opcode: UInt8, fin: Bool, payload: UnsafeRawBufferPointer, context: ChannelHandlerContext) {
        switch opcode {
        case 0x1, 0x2:
            if fin {
                bench.adapter.received(conn, payload, binary: opcode == 0x2)
            } else {
                var start = context.channel.allocator.buffer(capacity: payload.count * 2)
                start.writeBytes(payload)
                fragments = start
                fragmentsBinary = opcode == 0x2
            }
        case 0x0:
            guard var message = fragments else {
                bench.error(conn, "continuation without a first frame")
                return
            }
            message.writeBytes(payload)
            if fin {
                fragments = nil
                message.withUnsafeReadableBytes { bench.adapter.received(conn, $0, binary: fragmentsBinary) }
            } else {
                fragments = message
            }
        case 0x9:  // ping
            conn.send(Opcode.pong, payload)
        case 0xA:  // pong
            bench.pongs += 1
        case 0x8:  // close
            var data = context.channel.allocator.buffer(capacity: payload.count)
            data.writeBytes(payload)
            bench.serverClosed(conn, data)
            context.close(promise: nil)
        default:
            bench.error(conn, "unknown opcode \(opcode)")
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        if !upgraded { bench.failed(conn, "closed before the upgrade") }
        bench.closed(conn)
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if upgraded { bench.error(conn, "socket: \(error)") } else { bench.failed(conn, "handshake: \(error)") }
        context.close(promise: nil)
    }
}

/// Client frames: FIN, opcode, the MASK bit with a fresh key from a fast PRNG, masked payload.
enum FrameWriter {
    private static var state: UInt64 = 0x9E37_79B9_7F4A_7C15 ^ UInt64.random(in: 1...UInt64.max)

    @inline(__always)
    static func nextKey() -> UInt32 {
        // xorshift64*: only the event loop thread calls this.
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return UInt32(truncatingIfNeeded: (state &* 0x2545_F491_4F6C_DD1D) >> 32)
    }

    static func frame(opcode: UInt8, payload: UnsafeRawBufferPointer, allocator: ByteBufferAllocator) -> ByteBuffer {
        let length = payload.count
        var out = allocator.buffer(capacity: length + 14)
        out.writeInteger(UInt8(0x80 | opcode))
        if length < 126 {
            out.writeInteger(UInt8(0x80 | length))
        } else if length <= 0xFFFF {
            out.writeInteger(UInt8(0x80 | 126))
            out.writeInteger(UInt16(length))
        } else {
            out.writeInteger(UInt8(0x80 | 127))
            out.writeInteger(UInt64(length))
        }
        let key = nextKey()
        out.writeInteger(key)
        let k0 = UInt8(key >> 24), k1 = UInt8((key >> 16) & 0xFF), k2 = UInt8((key >> 8) & 0xFF), k3 = UInt8(key & 0xFF)
        out.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { dst in
            for i in 0..<length {
                let k: UInt8
                switch i & 3 {
                case 0: k = k0
                case 1: k = k1
                case 2: k = k2
                default: k = k3
                }
                dst[i] = payload[i] ^ k
            }
            return length
        }
        return out
    }
}

private let base64Alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

func base64(_ bytes: [UInt8]) -> String {
    var out: [UInt8] = []
    var i = 0
    while i < bytes.count {
        let b0 = bytes[i]
        let b1 = i + 1 < bytes.count ? bytes[i + 1] : 0
        let b2 = i + 2 < bytes.count ? bytes[i + 2] : 0
        out.append(base64Alphabet[Int(b0 >> 2)])
        out.append(base64Alphabet[Int((b0 & 0x03) << 4 | b1 >> 4)])
        out.append(i + 1 < bytes.count ? base64Alphabet[Int((b1 & 0x0F) << 2 | b2 >> 6)] : UInt8(ascii: "="))
        out.append(i + 2 < bytes.count ? base64Alphabet[Int(b2 & 0x3F)] : UInt8(ascii: "="))
        i += 3
    }
    return String(decoding: out, as: UTF8.self)
}
