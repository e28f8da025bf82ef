// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird

/// Sets the per-request body limit from `http.maxBodyBytes`, or `attachments.maxBytes` for an
/// attachment upload, and answers 413 before reading a body whose `Content-Length` exceeds it.
struct BodyLimitMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext
    let maxBodyBytes: Int
    var maxUploadBytes: Int = 0

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        var context = context
        let limit =
            request.method == .post && maxUploadBytes > 0 && AttachmentSettings.isUpload(request.uri.path)
            ? maxUploadBytes : maxBodyBytes
        context.maxUploadSize = limit
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw APIError(
                .contentTooLarge, code: "body_too_large", message: "The request body is larger than \(limit) bytes.")
        }
        return try await next(request, context)
    }
}
