// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird
import TandemCore

/// An error as the API reports it: `{"error": {"code", "message", "field"}}`
/// with a matching status code. Every failure a client sees goes through here.
public struct APIError: Error, HTTPResponseError, Sendable {
    public var status: HTTPResponse.Status
    /// Stable machine-readable code, for example `validation_failed`.
    public var code: String
    /// A sentence a person can act on.
    public var message: String
    /// The request field at fault, when there is one.
    public var field: String?
    /// Extra response headers, for example `Retry-After`.
    public var headers: HTTPFields

    public init(
        _ status: HTTPResponse.Status, code: String, message: String, field: String? = nil,
        headers: HTTPFields = [:]
    ) {
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers
    }

    /// A 422 for a value that breaks a rule.
    public init(_ validation: ValidationError) {
        self.init(.unprocessableContent, code: validation.code, message: validation.message, field: validation.field)
    }

    public static func notFound(_ what: String) -> APIError {
        APIError(.notFound, code: "not_found", message: "\(what) was not found.")
    }

    public static func forbidden(_ message: String) -> APIError {
        APIError(.forbidden, code: "forbidden", message: message)
    }

    public static func badRequest(_ message: String, field: String? = nil) -> APIError {
        APIError(.badRequest, code: "bad_request", message: message, field: field)
    }

    public func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = self.headers
        headers[.contentType] = "application/json; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: jsonBody))
    }

    /// The JSON body: `{"error": {"code", "message", "field"}}`.
    var jsonBody: ByteBuffer {
        let encoder = JSONEncoder()
        // Messages name URLs (origins): keep them readable.
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        // Encoding three strings into JSON cannot fail.
        let data = (try? encoder.encode(Envelope(error: .init(code: code, message: message, field: field)))) ?? Data()
        return ByteBuffer(bytes: data)
    }

    private struct Envelope: Encodable {
        struct Body: Encodable {
            var code: String
            var message: String
            var field: String?
        }
        var error: Body
    }
}
