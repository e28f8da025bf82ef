// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import NIOCore

/// The limits ``HTTPGuard`` holds every HTTP/1 connection to, so that no client can hold a
/// socket, or the memory behind it, for longer or larger than these allow.
public struct HTTPGuardSettings: Sendable {
    /// A connection with no request under way, and no response being produced, is closed
    /// (without an answer) after this long; also the longest pause between two reads of a
    /// request body, and the longest a response may stay unwritable (a client not reading).
    public var idleTimeout: TimeAmount
    /// From the first byte of a request to the end of its head: past it, `408` and a close.
    public var headTimeout: TimeAmount
    /// From the end of a request's head to the end of its body: past it, `408` and a close.
    public var bodyTimeout: TimeAmount
    /// The largest request head (request line, header fields, the blank line), in bytes:
    /// a longer one is answered `431` and the connection closed.
    public var maxHeadBytes: Int
    /// Requests served on one connection; the last response says `Connection: close`.
    public var maxRequestsPerConnection: Int
    /// After a refusal (`400`, `408`, `431`, `501`) or the last response, how long input is
    /// read and thrown away before the socket is closed: closing with unread input would
    /// send a reset, which can destroy the answer before the client reads it.
    public var lingerTimeout: TimeAmount
    /// Header fields added to every answer the guard writes itself (the security headers).
    public var refusalHeaders: HTTPFields

    public init(
        idleTimeout: TimeAmount = .seconds(30), headTimeout: TimeAmount = .seconds(10), bodyTimeout: TimeAmount = .seconds(60),
        maxHeadBytes: Int = 32 << 10, maxRequestsPerConnection: Int = 1000, lingerTimeout: TimeAmount = .seconds(2),
        refusalHeaders: HTTPFields = [:]
    ) {
        self.idleTimeout = idleTimeout
        self.headTimeout = headTimeout
        self.bodyTimeout = bodyTimeout
        self.maxHeadBytes = maxHeadBytes
        self.maxRequestsPerConnection = maxRequestsPerConnection
        self.lingerTimeout = lingerTimeout
        self.refusalHeaders = refusalHeaders
    }
}

extension HTTPGuardSettings {
    /// The limits of the `http.*` settings.
    public init(_ http: TandemConfiguration.HTTP, refusalHeaders: HTTPFields) {
        self.init(
            idleTimeout: .seconds(Int64(http.idleTimeoutSeconds)), headTimeout: .seconds(Int64(http.headTimeoutSeconds)),
            bodyTimeout: .seconds(Int64(http.bodyTimeoutSeconds)), maxHeadBytes: http.maxHeadBytes,
            maxRequestsPerConnection: http.maxRequestsPerConnection, refusalHeaders: refusalHeaders)
    }
}
