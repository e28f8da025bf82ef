// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore
import TandemStore

/// Turns every error into the JSON error body, so that clients see one format
/// whatever failed: a route's ``APIError``, a store error, a framework error.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        do {
            return try await next(request, context)
        } catch let error as APIError {
            throw error
        } catch let error as ValidationError {
            throw APIError(error)
        } catch let error as StoreError {
            throw Self.translate(error, context: context)
        } catch let error as RecordTooLargeError {
            context.logger.notice("record too large", metadata: ["error": "\(error)"])
            throw APIError(
                .contentTooLarge, code: "record_too_large",
                message: "This \(error.kind) would exceed the database's size limit.")
        } catch let error as any HTTPResponseError {
            throw Self.translate(error)
        } catch is CancellationError {
            throw APIError(.serviceUnavailable, code: "cancelled", message: "The request was cancelled.")
        } catch {
            context.logger.error("unhandled error", metadata: ["error": "\(String(reflecting: error))"])
            throw APIError(.internalServerError, code: "internal", message: "Something went wrong on our side.")
        }
    }

    static func translate(_ error: StoreError, context: Context) -> APIError {
        switch error {
        case .notFound(let kind, _):
            return .notFound(kind.capitalized)
        case .duplicate(let kind, let field):
            return APIError(.conflict, code: "duplicate", message: "A \(kind) with this \(field) already exists.", field: field)
        case .versionConflict:
            return APIError(.conflict, code: "version_conflict", message: "Someone else changed this first; reload and retry.")
        case .invalidCursor:
            return APIError(.badRequest, code: "invalid_cursor", message: "The cursor is not valid.", field: "after")
        case .unavailable(let reason):
            context.logger.error("store unavailable", metadata: ["reason": "\(reason)"])
            return APIError(
                .serviceUnavailable, code: "store_unavailable", message: "The database is unavailable; try again shortly.")
        case .corrupt(let reason):
            context.logger.critical("store corrupt", metadata: ["reason": "\(reason)"])
            return APIError(.internalServerError, code: "internal", message: "Something went wrong on our side.")
        }
    }

    static func translate(_ error: any HTTPResponseError) -> APIError {
        switch error.status {
        case .notFound: .notFound("The resource")
        case .contentTooLarge: APIError(.contentTooLarge, code: "body_too_large", message: "The request body is too large.")
        case .methodNotAllowed:
            APIError(.methodNotAllowed, code: "method_not_allowed", message: "This method is not allowed here.")
        case .unsupportedMediaType:
            APIError(.unsupportedMediaType, code: "unsupported_media_type", message: "Send application/json.")
        case .badRequest: APIError(.badRequest, code: "bad_request", message: "The request is malformed.")
        default: APIError(error.status, code: "http_\(error.status.code)", message: error.status.reasonPhrase)
        }
    }
}
