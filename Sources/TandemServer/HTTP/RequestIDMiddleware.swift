// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import Hummingbird

/// Echoes Hummingbird's per-request id as `X-Request-ID` (the same id is in every
/// log line of the request as `hb.request.id`) and logs each request's outcome.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let start = ContinuousClock.now
        do {
            var response = try await next(request, context)
            response.headers[.requestID] = context.id
            log(request, context, status: response.status, start)
            return response
        } catch let error as any HTTPResponseError {
            log(request, context, status: error.status, start)
            throw HeaderTaggedError(base: error, field: HTTPField(name: .requestID, value: context.id))
        }
    }

    private func log(_ request: Request, _ context: Context, status: HTTPResponse.Status, _ start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        let ms = Double(elapsed.components.attoseconds) / 1e15 + Double(elapsed.components.seconds) * 1000
        context.logger.info(
            "request",
            metadata: [
                "method": "\(request.method)", "path": "\(request.uri.path)", "status": "\(status.code)",
                "ms": "\((ms * 10).rounded() / 10)",
            ])
    }
}

/// An error response with header fields added (the request id, the trace context).
struct HeaderTaggedError: HTTPResponseError {
    let base: any HTTPResponseError
    let field: HTTPField
    var status: HTTPResponse.Status { base.status }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var response = try base.response(from: request, context: context)
        response.headers[field.name] = field.value
        return response
    }
}

extension HTTPField.Name {
    static let requestID = Self("X-Request-ID")!
    static let csrfToken = Self("X-CSRF-Token")!
}
