// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import NIOCore
import NIOHTTP1

/// Why ``HTTPGuard`` answers a connection itself and closes it: the request could not be
/// read, so no route ever sees it. Each is written with the API's JSON error body and
/// `Connection: close`.
enum HTTPRefusal: Equatable, Sendable {
    /// The bytes are not an HTTP/1 request (`400 bad_request`).
    case malformed
    /// A method the HTTP parser does not know, such as `FOO` or `TRACK` (`501 method_not_implemented`).
    /// Known methods that no route takes stay the router's `404`.
    case unknownMethod
    /// The request head is longer than `limit` bytes (`431 headers_too_large`).
    case headTooLarge(limit: Int)
    /// The head or the body did not arrive in time (`408 request_timeout`).
    case timeout

    /// The refusal a parse error of the HTTP/1 decoder calls for; `method`, the bytes the
    /// request starts with up to its first space (or all that arrived).
    init(_ error: HTTPParserError, method: some Collection<UInt8>, maxHeadBytes: Int) {
        switch error {
        case .invalidMethod: self = !method.isEmpty && method.allSatisfy(Self.isTokenCharacter) ? .unknownMethod : .malformed
        case .headerOverflow: self = .headTooLarge(limit: maxHeadBytes)
        default: self = .malformed
        }
    }

    /// RFC 9110 `tchar`: what a method name is made of.
    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: Array("!#$%&'*+-.^_`|~".utf8).contains(byte)
        }
    }

    var error: APIError {
        switch self {
        case .malformed:
            APIError(.badRequest, code: "bad_request", message: "The request is not valid HTTP/1.1.")
        case .unknownMethod:
            APIError(.notImplemented, code: "method_not_implemented", message: "The server does not implement this method.")
        case .headTooLarge(let limit):
            APIError(
                .requestHeaderFieldsTooLarge, code: "headers_too_large",
                message: "The request line and headers exceed \(limit) bytes.")
        case .timeout:
            APIError(.requestTimeout, code: "request_timeout", message: "The request did not arrive in time.")
        }
    }

    /// The whole answer as HTTP/1 response parts, ready for the encoder.
    func parts(headers extra: HTTPFields) -> (head: HTTPResponseHead, body: ByteBuffer) {
        let error = self.error
        let body = error.jsonBody
        var headers = HTTPHeaders()
        for field in extra { headers.add(name: field.name.rawName, value: field.value) }
        headers.replaceOrAdd(name: "Content-Type", value: "application/json; charset=utf-8")
        headers.replaceOrAdd(name: "Cache-Control", value: "no-store")
        headers.replaceOrAdd(name: "Content-Length", value: String(body.readableBytes))
        headers.replaceOrAdd(name: "Connection", value: "close")
        let status = HTTPResponseStatus(statusCode: Int(error.status.code), reasonPhrase: error.status.reasonPhrase)
        return (HTTPResponseHead(version: .http1_1, status: status, headers: headers), body)
    }
}
