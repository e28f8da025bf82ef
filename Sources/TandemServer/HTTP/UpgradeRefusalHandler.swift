// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import Hummingbird
import NIOCore
import NIOHTTP1

/// Answers a refused WebSocket upgrade with the typed JSON error that refused it
/// (`403 origin_not_allowed`, `401 invalid_token`, `404 not_found`) instead of the bare `400`
/// with no body that Hummingbird writes, outside the router, for every refused upgrade.
///
/// ``UpgradeRefusalMiddleware`` installs one on the connection when the WebSocket router refuses;
/// it rewrites the next response head (that `400`) and its body, then removes itself. It sits
/// next to the HTTP/1 encoder, so it sees HTTP/1 response parts.
final class UpgradeRefusalHandler: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = HTTPServerResponsePart
    typealias OutboundOut = HTTPServerResponsePart

    let error: APIError

    init(_ error: APIError) {
        self.error = error
    }

    /// Installs a handler answering `error` on `channel`, from any task.
    static func install(_ error: APIError, on channel: any Channel) async {
        try? await channel.eventLoop.submit {
            try channel.pipeline.syncOperations.addHandler(UpgradeRefusalHandler(error))
        }.get()
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard case .head(var head) = unwrapOutboundIn(data), head.status == .badRequest else {
            context.write(data, promise: promise)
            return
        }
        let body = error.jsonBody
        head.status = HTTPResponseStatus(statusCode: Int(error.status.code), reasonPhrase: error.status.reasonPhrase)
        for field in error.headers { head.headers.replaceOrAdd(name: field.name.rawName, value: field.value) }
        head.headers.replaceOrAdd(name: "Content-Type", value: "application/json; charset=utf-8")
        head.headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        head.headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: promise)
        context.pipeline.syncOperations.removeHandler(context: context, promise: nil)
    }
}

/// The WebSocket router's first middleware: when the upgrade is refused (a disallowed origin,
/// credentials that do not check out, another path than `/ws`), the client gets the error that
/// refused it, through an ``UpgradeRefusalHandler``.
struct UpgradeRefusalMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        do {
            let response = try await next(request, context)
            if response.status != .ok { await UpgradeRefusalHandler.install(.upgradeRefused, on: context.channel) }
            return response
        } catch {
            let refusal =
                (error as? APIError) ?? (error as? any HTTPResponseError).map(ErrorMiddleware<Context>.translate)
                ?? .upgradeRefused
            await UpgradeRefusalHandler.install(refusal, on: context.channel)
            throw error
        }
    }
}

extension APIError {
    /// An upgrade refused for a reason no other error names.
    static let upgradeRefused = APIError(
        .badRequest, code: "upgrade_refused",
        message: "The WebSocket upgrade was refused: connect to /ws (subprotocol tandem.v1).")
}
