// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird

/// Serves the web client's `index.html` for its client-side routes (`/tickets/…`, `/portal/new`), so a
/// reload or a shared link opens the app. Only a `GET`/`HEAD` that nothing else answered (404), whose
/// last path segment has no file extension, and that is outside the API, `/ws` and the health and
/// metrics endpoints falls back; missing assets and unknown API paths stay 404.
struct ClientRouteFallback: RouterMiddleware {
    typealias Context = TandemRequestContext
    /// The built client's `index.html`.
    let indexPath: String

    /// Path prefixes that never fall back to the app.
    static let serverPaths = ["/api", "/ws", "/healthz", "/readyz", "/metrics"]

    /// `true` when `request` may be a client-side route.
    static func isClientRoute(_ request: Request) -> Bool {
        guard request.method == .get || request.method == .head else { return false }
        let path = request.uri.path
        if serverPaths.contains(where: { path == $0 || path.hasPrefix($0 + "/") }) { return false }
        let last = path.split(separator: "/").last ?? ""
        return !last.contains(".")
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard Self.isClientRoute(request) else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            return response.status == .notFound ? try index(request) : response
        } catch let error as any HTTPResponseError where error.status == .notFound {
            return try index(request)
        }
    }

    /// The app page, revalidated on every load like the file middleware's HTML.
    private func index(_ request: Request) throws -> Response {
        guard let data = FileManager.default.contents(atPath: indexPath) else {
            throw HTTPError(.notFound)
        }
        let body: ResponseBody = request.method == .head ? .init() : .init(byteBuffer: ByteBuffer(bytes: data))
        return Response(
            status: .ok,
            headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache", .contentLength: String(data.count)],
            body: body)
    }
}
