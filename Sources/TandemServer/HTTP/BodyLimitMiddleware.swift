// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird

/// Sets the per-request body limit from `http.maxBodyBytes`.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext
    let maxBodyBytes: Int

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        var context = context
        context.maxUploadSize = maxBodyBytes
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodyBytes {
            throw APIError(
                .contentTooLarge, code: "body_too_large", message: "The request body is larger than \(maxBodyBytes) bytes.")
        }
        return try await next(request, context)
    }
}
