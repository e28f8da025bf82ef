// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import NIOCore
import NIOHTTPTypes

/// Adds ``SecurityHeaders`` to every HTTP response head a connection writes.
///
/// It sits in each HTTP/1 connection's pipeline next to the codec, below Hummingbird, so that
/// nothing answers without the headers: routes, errors, 404s, static files, and also what
/// Hummingbird writes without the router (a refused WebSocket upgrade, the redirect of a late
/// upgrade request). Installed once, in ``TandemServerBuilder``.
final class SecurityHeadersHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let headers: SecurityHeaders

    init(_ headers: SecurityHeaders) {
        self.headers = headers
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data) else {
            context.write(data, promise: promise)
            return
        }
        headers.apply(to: &head.headerFields)
        context.write(wrapOutboundOut(.head(head)), promise: promise)
    }
}
