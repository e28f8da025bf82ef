// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypes
import NIOHTTPTypesHTTP1

/// Tandem's HTTP/1 connection: requests go to the REST router; a WebSocket upgrade at `/ws`
/// (``LiveUpgrader``) turns the connection into a live one, served by one
/// ``LiveChannelHandler`` and no task.
///
/// A connection that is not upgraded is served by Hummingbird's HTTP handling, in its task,
/// as any HTTP/1 connection. An upgrade that is refused (bad handshake, origin, credentials,
/// path, the user's connection cap) is answered with the typed JSON error that refused it,
/// and the connection is closed.
struct LiveChannel: ServerChildChannel, HTTPChannelHandler {
    enum UpgradeResult: Sendable {
        /// Upgraded: the channel belongs to its ``LiveChannelHandler`` now.
        case live
        /// A plain HTTP/1 connection.
        case http(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>)
        /// An upgrade was asked for and refused with this error.
        case refused(NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, APIError)
    }

    struct Value: ServerChildChannelValue {
        let upgradeResult: EventLoopFuture<UpgradeResult>
        let channel: any Channel
    }

    let responder: HTTPChannelHandler.Responder
    let upgrade: LiveUpgrader.Decide
    let live: LiveService
    let http: HTTP1Channel.Configuration

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            let attempt = LiveUpgrader.Attempt()
            let upgrader = LiveUpgrader(attempt: attempt, decide: upgrade, live: live, logger: logger)
            let http = self.http
            let configuration = NIOTypedHTTPServerUpgradeConfiguration<UpgradeResult>(
                upgraders: [upgrader],
                notUpgradingCompletionHandler: { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        try pipeline.addHandler(HTTP1ToHTTPServerCodec(secure: false))
                        try pipeline.addHandlers(http.additionalChannelHandlers())
                        try pipeline.addHandler(
                            HTTPConnectionStateHandler(idleTimeout: http.idleTimeout.map { Duration($0) }, logger: logger))
                        let asyncChannel = try NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>(
                            wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true))
                        if let refusal = attempt.refusal { return .refused(asyncChannel, refusal) }
                        return .http(asyncChannel)
                    }
                })
            var pipeline = NIOUpgradableHTTPServerPipelineConfiguration<UpgradeResult>(upgradeConfiguration: configuration)
            pipeline.enablePipelining = false
            pipeline.enableErrorHandling = false
            pipeline.enableResponseHeaderValidation = false
            pipeline.decoderConfiguration.maxHeaderFieldSize = http.httpDecoder.maxHeaderFieldSize
            pipeline.decoderConfiguration.maxHeaderListSize = http.httpDecoder.maxHeaderListSize
            pipeline.decoderConfiguration.maxHeaderFieldCount = http.httpDecoder.maxHeaderFieldCount
            let result = try channel.pipeline.syncOperations.configureUpgradableHTTPServerPipeline(configuration: pipeline)
            return Value(upgradeResult: result, channel: channel)
        }
    }

    func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.upgradeResult.get() {
            case .live:
                // The channel handler serves the connection from here on: nothing to wait for.
                return
            case .http(let http1):
                await handleHTTP(asyncChannel: http1, logger: logger)
            case .refused(let http1, let error):
                await Self.refuse(http1, with: error, logger: logger)
            }
        } catch let error as ChannelError where error == .inputClosed {
            logger.trace("connection closed before its first request ended")
        } catch {
            logger.debug("connection ended during the upgrade", metadata: ["error": "\(error)"])
        }
    }

    /// Answers a refused upgrade with its JSON error and closes the connection.
    static func refuse(
        _ channel: NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>, with error: APIError, logger: Logger
    ) async {
        do {
            try await channel.executeThenClose { _, outbound in
                let body = error.jsonBody
                var fields = error.headers
                fields[.contentType] = "application/json; charset=utf-8"
                fields[.cacheControl] = "no-store"
                fields[.contentLength] = String(body.readableBytes)
                fields[.connection] = "close"
                let head = HTTPResponse(status: error.status, headerFields: fields)
                try await outbound.write(contentsOf: [.head(head), .body(body), .end(nil)])
            }
        } catch {
            logger.trace("refused upgrade: the answer could not be written", metadata: ["error": "\(error)"])
        }
    }
}
