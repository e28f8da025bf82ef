// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import NIOCore
import NIOPosix
import Synchronization
import TandemTestSupport

/// A TCP connection to a test server that writes exactly the bytes a test gives it (malformed,
/// oversized, one at a time) and records every byte that comes back, and whether the server
/// closed its side (end of stream or a reset).
final class RawConnection: Sendable {
    private let channel: any Channel
    private let record: Record

    private init(channel: any Channel, record: Record) {
        self.channel = channel
        self.record = record
    }

    static func open(port: Int) async throws -> RawConnection {
        let record = Record()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(ChannelOptions.allowRemoteHalfClosure, value: true)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(Recorder(record)) }
            }
            .connect(host: "127.0.0.1", port: port).get()
        return RawConnection(channel: channel, record: record)
    }

    func send(_ text: String) async throws { try await send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) async throws {
        try await channel.writeAndFlush(ByteBuffer(bytes: bytes)).get()
    }

    /// Every byte received so far.
    var received: [UInt8] { record.state.withLock { $0.bytes } }

    /// Whether the server ended the stream or reset the connection.
    var closedByServer: Bool { record.state.withLock { $0.closed } }

    /// Waits until the server closed its side; whether it did within `timeout`.
    func waitForClose(_ timeout: Duration = .seconds(20)) async -> Bool {
        await waitUntil(timeout) { self.closedByServer }
    }

    /// Waits for `count` complete responses (or the server closing first); returns those that came.
    func responses(_ count: Int, timeout: Duration = .seconds(20)) async -> [RawResponse] {
        _ = await waitUntil(timeout) { RawResponse.parseAll(self.received).count >= count || self.closedByServer }
        return RawResponse.parseAll(received)
    }

    func close() async {
        try? await channel.close()
    }

    private final class Record: Sendable {
        struct State {
            var bytes: [UInt8] = []
            var closed = false
        }
        let state = Mutex(State())
    }

    private final class Recorder: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        let record: Record

        init(_ record: Record) { self.record = record }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            let buffer = unwrapInboundIn(data)
            record.state.withLock { $0.bytes += buffer.readableBytesView }
        }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if let event = event as? ChannelEvent, event == .inputClosed { record.state.withLock { $0.closed = true } }
        }

        func channelInactive(context: ChannelHandlerContext) {
            record.state.withLock { $0.closed = true }
        }

        func errorCaught(context: ChannelHandlerContext, error: any Error) {
            record.state.withLock { $0.closed = true }
            context.close(promise: nil)
        }
    }
}

/// One HTTP/1 response read off a ``RawConnection`` (bodies framed by `Content-Length`).
struct RawResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: String

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }

    /// `error.code` of a JSON error body.
    var errorCode: String? {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any],
            let error = object["error"] as? [String: Any]
        else { return nil }
        return error["code"] as? String
    }

    /// The complete responses at the start of `bytes`, in order.
    static func parseAll(_ bytes: [UInt8]) -> [RawResponse] {
        var responses: [RawResponse] = []
        var rest = bytes[...]
        while let (response, length) = parse(rest) {
            responses.append(response)
            rest = rest.dropFirst(length)
        }
        return responses
    }

    /// The response at the start of `bytes` and its length, if complete.
    static func parse(_ bytes: ArraySlice<UInt8>) -> (RawResponse, Int)? {
        let separator: [UInt8] = Array("\r\n\r\n".utf8)
        guard let end = bytes.indices.first(where: { bytes[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: bytes[bytes.startIndex..<end], as: UTF8.self)
        var lines = head.components(separatedBy: "\r\n")
        let statusLine = lines.removeFirst().split(separator: " ")
        guard statusLine.count >= 2, let status = Int(statusLine[1]) else { return nil }
        let headers = lines.compactMap { line -> (name: String, value: String)? in
            guard let colon = line.firstIndex(of: ":") else { return nil }
            return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
        }
        var response = RawResponse(status: status, headers: headers, body: "")
        let bodyStart = end + separator.count
        let length = (status == 101 ? 0 : response.header("Content-Length").flatMap(Int.init)) ?? 0
        guard bytes.endIndex - bodyStart >= length else { return nil }
        response.body = String(decoding: bytes[bodyStart..<(bodyStart + length)], as: UTF8.self)
        return (response, bodyStart + length - bytes.startIndex)
    }
}
