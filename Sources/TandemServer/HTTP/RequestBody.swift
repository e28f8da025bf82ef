// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird

/// A JSON request body. Unknown fields are rejected (422 `unknown_field`),
/// so that a typo never passes silently: list every accepted field in `fields`.
public protocol RequestBody: Decodable, Sendable {
    /// The top-level field names this body accepts.
    static var fields: Set<String> { get }
}

extension Request {
    /// Reads and decodes a JSON body strictly: at most `context.maxUploadSize` bytes (413),
    /// `application/json` (415), well-formed JSON (400), a JSON object with known fields of
    /// the right types (422).
    func decodeBody<Body: RequestBody>(_ type: Body.Type, context: TandemRequestContext) async throws -> Body {
        if let contentType = headers[.contentType], !contentType.lowercased().hasPrefix("application/json") {
            throw APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send application/json.")
        }
        var request = self
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch let error as any HTTPResponseError where error.status == .contentTooLarge {
            throw APIError(
                .contentTooLarge, code: "body_too_large",
                message: "The request body is larger than \(context.maxUploadSize) bytes.")
        }
        let data = Data(buffer: buffer)
        let object: Any
        do {
            object = try JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])
        } catch {
            throw APIError(.badRequest, code: "invalid_json", message: "The body is not valid JSON.")
        }
        guard let dictionary = object as? [String: Any] else {
            throw APIError(.badRequest, code: "invalid_json", message: "The body must be a JSON object.")
        }
        if let unknown = dictionary.keys.sorted().first(where: { !Body.fields.contains($0) }) {
            throw APIError(
                .unprocessableContent, code: "unknown_field", message: "Unknown field \"\(unknown)\".", field: unknown)
        }
        do {
            return try JSONDecoder().decode(Body.self, from: data)
        } catch let error as DecodingError {
            throw APIError(decoding: error)
        }
    }
}

extension APIError {
    /// Maps a decoding failure to a 422 naming the field.
    init(decoding error: DecodingError) {
        func path(_ context: DecodingError.Context, _ extra: (any CodingKey)? = nil) -> String {
            (context.codingPath + (extra.map { [$0] } ?? [])).map { key in
                key.intValue.map { "[\($0)]" } ?? key.stringValue
            }.joined(separator: ".")
        }
        switch error {
        case .keyNotFound(let key, let context):
            let field = path(context, key)
            self.init(.unprocessableContent, code: "required", message: "\(field) is required.", field: field)
        case .valueNotFound(_, let context):
            let field = path(context)
            self.init(.unprocessableContent, code: "required", message: "\(field) must not be null.", field: field)
        case .typeMismatch(let type, let context):
            let field = path(context)
            self.init(
                .unprocessableContent, code: "invalid_type", message: "\(field) must be \(Self.describe(type)).",
                field: field)
        case .dataCorrupted(let context):
            let field = path(context)
            self.init(.unprocessableContent, code: "invalid", message: "\(field) is not valid.", field: field)
        @unknown default:
            self.init(.badRequest, code: "invalid_json", message: "The body could not be read.")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Bool.Type: "true or false"
        case is Int.Type, is Int64.Type: "an integer"
        case is [String].Type: "a list of strings"
        default: "of another type"
        }
    }
}
