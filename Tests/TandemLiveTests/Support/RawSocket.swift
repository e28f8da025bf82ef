// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP client that writes exactly the bytes a test gives it, including what no WebSocket
/// library would send (unmasked frames, broken handshakes, invalid UTF-8), and can stop
/// reading altogether. Its calls block, so each runs on a thread of its own (``run(_:)``),
/// never on the concurrency pool the in-process server uses.
final class RawSocket: @unchecked Sendable {
    // @unchecked: `fd` is set once in init; the socket calls are made by one test at a time.
    private let fd: Int32
    /// Bytes read and not yet consumed.
    private var buffer: [UInt8] = []

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// One server frame.
    struct Frame: Sendable {
        var opcode: UInt8
        var payload: [UInt8]
        var text: String { String(decoding: payload, as: UTF8.self) }
        /// The close code of a close frame.
        var closeCode: UInt16? {
            opcode == 0x8 && payload.count >= 2 ? UInt16(payload[0]) << 8 | UInt16(payload[1]) : nil
        }
    }

    struct HTTPAnswer: Sendable {
        var status: Int
        var headers: [String: String]
        var body: String
    }

    /// Connects to 127.0.0.1:`port`; `receiveBuffer` shrinks the kernel's receive buffer, so
    /// that a client that does not read makes the server's socket unwritable soon.
    init(port: Int, receiveBuffer: Int32? = nil) throws {
        // The descriptor is kept only once connected: an initializer that throws after every
        // property is set runs `deinit`, which would close it a second time (and, if the number
        // was reused meanwhile, someone else's descriptor).
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(errno)") }
        if var size = receiveBuffer {
            setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else {
            let error = errno
            close(fd)
            throw Failure(description: "connect: \(error)")
        }
        self.fd = fd
    }

    deinit { close(fd) }

    /// Runs blocking socket calls on a thread of their own.
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let thread = Thread { continuation.resume(with: Result { try body() }) }
            thread.start()
        }
    }

    func write(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(errno)") }
            sent += n
        }
    }

    func write(_ text: String) throws { try write(Array(text.utf8)) }

    /// Reads more bytes; false when the peer closed (or reset) the connection.
    private func fill(until deadline: Date) throws -> Bool {
        let left = deadline.timeIntervalSinceNow
        guard left > 0 else { throw Failure(description: "timed out; have \(buffer.count) bytes") }
        var timeout = timeval(tv_sec: Int(left), tv_usec: Int((left - Double(Int(left))) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n > 0 {
            buffer += chunk[0..<n]
            return true
        }
        if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) { return try fill(until: deadline) }
        return false
    }

    /// Sends an upgrade request for `/ws` with the given handshake fields (nil: left out).
    func upgrade(
        key: String? = "dGhlIHNhbXBsZSBub25jZQ==", version: String? = "13", token: String? = nil,
        subprotocol: String? = "tandem.v1"
    ) throws {
        var request = "GET /ws HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        if let key { request += "Sec-WebSocket-Key: \(key)\r\n" }
        if let version { request += "Sec-WebSocket-Version: \(version)\r\n" }
        if let token { request += "Authorization: Bearer \(token)\r\n" }
        if let subprotocol { request += "Sec-WebSocket-Protocol: \(subprotocol)\r\n" }
        try write(request + "\r\n")
    }

    /// Reads an HTTP response head and its `Content-Length` body.
    func readHTTP(timeout: TimeInterval = 10) throws -> HTTPAnswer {
        let deadline = Date(timeIntervalSinceNow: timeout)
        let end: [UInt8] = [13, 10, 13, 10]
        var headEnd: Int?
        while headEnd == nil {
            if buffer.count >= 4 {
                headEnd = (0...(buffer.count - 4)).first { Array(buffer[$0..<$0 + 4]) == end }
            }
            if headEnd == nil { guard try fill(until: deadline) else { throw Failure(description: "closed before a response") } }
        }
        let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self).components(separatedBy: "\r\n")
        buffer.removeFirst(headEnd! + 4)
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        while buffer.count < length { guard try fill(until: deadline) else { break } }
        let body = String(decoding: buffer.prefix(length), as: UTF8.self)
        buffer.removeFirst(min(length, buffer.count))
        return HTTPAnswer(status: status, headers: headers, body: body)
    }

    /// Sends one frame; masked with a fixed key unless `masked` is false.
    func send(opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true) throws {
        try write(Self.clientFrame(opcode, payload, fin: fin, masked: masked))
    }

    /// A client frame's bytes, as a browser would send it (masked with `key`) unless told otherwise.
    static func clientFrame(
        _ opcode: UInt8, _ payload: [UInt8], fin: Bool = true, masked: Bool = true, rsv: UInt8 = 0,
        key: [UInt8] = [0x37, 0xFA, 0x21, 0x3D]
    ) -> [UInt8] {
        var bytes: [UInt8] = [(fin ? 0x80 : 0) | rsv | opcode]
        let mask: UInt8 = masked ? 0x80 : 0
        if payload.count < 126 {
            bytes.append(mask | UInt8(payload.count))
        } else if payload.count <= 0xFFFF {
            bytes += [mask | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xFF)]
        } else {
            bytes.append(mask | 127)
            for shift in stride(from: 56, through: 0, by: -8) { bytes.append(UInt8((payload.count >> shift) & 0xFF)) }
        }
        guard masked else { return bytes + payload }
        bytes += key
        return bytes + payload.enumerated().map { $0.element ^ key[$0.offset % 4] }
    }

    func sendText(_ text: String) throws { try send(opcode: 0x1, Array(text.utf8)) }

    /// Reads the next frame; nil when the connection closed first.
    func readFrame(timeout: TimeInterval = 10) throws -> Frame? {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while true {
            if buffer.count >= 2 {
                let opcode = buffer[0] & 0x0F
                var length = Int(buffer[1] & 0x7F)
                var header = 2
                if length == 126, buffer.count >= 4 {
                    length = Int(buffer[2]) << 8 | Int(buffer[3])
                    header = 4
                } else if length == 127, buffer.count >= 10 {
                    length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }
                    header = 10
                }
                if length < 126 || header > 2, buffer.count >= header + length {
                    let frame = Frame(opcode: opcode, payload: Array(buffer[header..<header + length]))
                    buffer.removeFirst(header + length)
                    return frame
                }
            }
            guard try fill(until: deadline) else { return nil }
        }
    }

    /// Reads frames until a close frame or the end of the connection; the text frames before it.
    func readUntilClose(timeout: TimeInterval = 20) throws -> (texts: [String], close: UInt16?) {
        let deadline = Date(timeIntervalSinceNow: timeout)
        var texts: [String] = []
        while let frame = try readFrame(timeout: max(0.01, deadline.timeIntervalSinceNow)) {
            if frame.opcode == 0x1 { texts.append(frame.text) }
            if frame.opcode == 0x8 { return (texts, frame.closeCode) }
        }
        return (texts, nil)
    }

    /// Whether the server closed the TCP connection within `timeout` (reading and dropping what comes).
    func closedByPeer(timeout: TimeInterval) -> Bool {
        let deadline = Date(timeIntervalSinceNow: timeout)
        while deadline.timeIntervalSinceNow > 0 {
            do {
                buffer.removeAll()
                if try !fill(until: deadline) { return true }
            } catch {
                return false
            }
        }
        return false
    }
}
