// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Foundation
import HTTPTypes
import Logging
import NIOCore
import NIOHTTP1
import NIOHTTPTypesHTTP1
import Synchronization

/// The WebSocket upgrade of ``LiveChannel`` (RFC 6455 §4.2): checks the handshake, asks the
/// application whether this request may connect, and installs the ``LiveChannelHandler``.
///
/// A handshake it refuses never reaches the application: no `Sec-WebSocket-Key` or one that
/// is not 16 base64-encoded bytes gets `400 bad_handshake`; a `Sec-WebSocket-Version` other
/// than 13 gets `426 unsupported_websocket_version` with `Sec-WebSocket-Version: 13`. A refusal
/// is kept in the connection's ``Attempt``; NIO then treats the request as not upgrading and
/// ``LiveChannel`` answers it.
struct LiveUpgrader: NIOTypedHTTPServerProtocolUpgrader {
    typealias UpgradeResult = LiveChannel.UpgradeResult

    /// The application's answer to an upgrade request.
    enum Decision: Sendable {
        case accept(HTTPFields, identity: AuthenticatedIdentity?)
        case refuse(APIError)
    }

    typealias Decide = @Sendable (HTTPRequest, any Channel, Logger) async -> Decision

    /// What the upgrade of one connection decided, between the handshake and the pipeline change.
    final class Attempt: Sendable {
        private let state = Mutex<(identity: AuthenticatedIdentity?, refusal: APIError?)>((nil, nil))

        var identity: AuthenticatedIdentity? { state.withLock { $0.identity } }
        var refusal: APIError? { state.withLock { $0.refusal } }

        func accepted(_ identity: AuthenticatedIdentity?) { state.withLock { $0.identity = identity } }
        func refused(_ error: APIError) { state.withLock { $0.refusal = error } }
    }

    /// Appended to the key before hashing (RFC 6455 §1.3).
    static let guid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

    let supportedProtocol = "websocket"
    /// None: a request that names the protocol comes here even without a key or a version, so
    /// that it gets an answer saying what is missing.
    let requiredUpgradeHeaders: [String] = []
    let attempt: Attempt
    let decide: Decide
    let live: LiveService
    let logger: Logger

    /// Refused: the handshake itself is malformed.
    struct Refused: Error {}

    func buildUpgradeResponse(
        channel: any Channel, upgradeRequest: HTTPRequestHead, initialResponseHeaders: HTTPHeaders
    ) -> EventLoopFuture<HTTPHeaders> {
        let headers = upgradeRequest.headers
        let versions = headers["Sec-WebSocket-Version"]
        guard versions.count == 1, versions[0] == "13" else {
            var error = APIError(
                .upgradeRequired, code: "unsupported_websocket_version",
                message: "This server speaks WebSocket version 13 (RFC 6455).")
            error.headers[HTTPField.Name("Sec-WebSocket-Version")!] = "13"
            return refuse(error, on: channel)
        }
        let keys = headers["Sec-WebSocket-Key"]
        guard keys.count == 1, let key = keys.first, Data(base64Encoded: key)?.count == 16 else {
            return refuse(
                APIError(
                    .badRequest, code: "bad_handshake",
                    message: "Sec-WebSocket-Key must be 16 random bytes in base64 (RFC 6455 §4.1)."),
                on: channel)
        }
        let request: HTTPRequest
        do {
            request = try HTTPRequest(upgradeRequest, secure: false, splitCookie: false)
        } catch {
            return refuse(APIError(.badRequest, code: "bad_handshake", message: "The upgrade request is malformed."), on: channel)
        }
        let promise = channel.eventLoop.makePromise(of: HTTPHeaders.self)
        let (attempt, decide, logger) = (self.attempt, self.decide, self.logger)
        promise.completeWithTask {
            switch await decide(request, channel, logger) {
            case .refuse(let error):
                attempt.refused(error)
                throw Refused()
            case .accept(let fields, let identity):
                attempt.accepted(identity)
                var response = initialResponseHeaders
                for field in fields { response.add(name: field.name.rawName, value: field.value) }
                response.replaceOrAdd(name: "Upgrade", value: "websocket")
                response.replaceOrAdd(name: "Connection", value: "upgrade")
                response.add(name: "Sec-WebSocket-Accept", value: Self.accept(key))
                return response
            }
        }
        return promise.futureResult
    }

    private func refuse(_ error: APIError, on channel: any Channel) -> EventLoopFuture<HTTPHeaders> {
        attempt.refused(error)
        return channel.eventLoop.makeFailedFuture(Refused())
    }

    /// `Sec-WebSocket-Accept` for a key.
    static func accept(_ key: String) -> String {
        Data(Insecure.SHA1.hash(data: Data((key + guid).utf8))).base64EncodedString()
    }

    func upgrade(channel: any Channel, upgradeRequest: HTTPRequestHead) -> EventLoopFuture<UpgradeResult> {
        let (live, identity, logger) = (self.live, attempt.identity, self.logger)
        return channel.eventLoop.makeCompletedFuture {
            // The connection is no longer HTTP: its limits give way to the live protocol's.
            HTTPGuard.disarm(in: channel.pipeline.syncOperations)
            let (session, handler) = live.open(identity: identity, logger: logger)
            try channel.pipeline.syncOperations.addHandler(handler)
            Task { await session.start(identity: identity) }
            return .live
        }
    }
}
