// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore

/// Counts the bytes of each request head before the HTTP/1 decoder sees them, so that a head
/// over `maxHeadBytes` is refused at exactly that size whatever the decoder's own limits, and
/// throws input away once its ``HTTPConnectionGuard`` has refused the connection or served its
/// last request.
///
/// It sits directly before the HTTP/1 request decoder (``HTTPGuard/install(in:settings:)``).
/// A read that crosses the limit is split: the decoder gets the bytes up to the limit, and if
/// the head did not end within them, the guard answers `431`.
final class HTTPHeadMeter: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer

    let connectionGuard: HTTPConnectionGuard

    init(_ connectionGuard: HTTPConnectionGuard) {
        self.connectionGuard = connectionGuard
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        while true {
            switch connectionGuard.admit(buffer) {
            case .forward:
                context.fireChannelRead(wrapInboundOut(buffer))
                return
            case .drop:
                return
            case .forwardPrefix(let count):
                if count > 0, let prefix = buffer.readSlice(length: count) {
                    context.fireChannelRead(wrapInboundOut(prefix))
                }
                guard connectionGuard.afterPrefix(), buffer.readableBytes > 0 else { return }
            }
        }
    }
}
