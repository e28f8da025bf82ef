// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird
import Logging

/// Serves the built web client from `web.root`: HTML revalidated on every load,
/// other assets cached for five minutes (with ETags), client-side routes answered
/// with `index.html`. When the client has not been built, `/` answers a placeholder
/// page saying how to build it.
enum StaticFiles {
    /// Adds the file middleware for `root`, and the placeholder when `root` has no `index.html`.
    static func add(to router: Router<TandemRequestContext>, root: String, logger: Logger) {
        let built = FileManager.default.fileExists(atPath: root + "/index.html")
        if !built {
            logger.warning("web client not built; serving a placeholder", metadata: ["web.root": "\(root)"])
        } else {
            router.add(middleware: ClientRouteFallback(indexPath: root + "/index.html"))
        }
        router.add(
            middleware: FileMiddleware<TandemRequestContext, LocalFileSystem>(
                root,
                cacheControl: .init([
                    (.textHtml, [.noCache]),
                    (.init(type: .any), [.public, .maxAge(300)]),
                ]),
                searchForIndexHtml: true,
                logger: logger))
        router.add(middleware: PlaceholderPage(enabled: !built))
    }
}

/// Answers `GET /` with a small page when the web client is missing.
struct PlaceholderPage: RouterMiddleware {
    typealias Context = TandemRequestContext
    let enabled: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard enabled, request.method == .get, request.uri.path == "/" else { return try await next(request, context) }
        let html = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><link rel="icon" href="data:,">
            <title>Tandem</title></head><body>
            <h1>Tandem</h1><p>The server is running. The web client is not built: run <code>make run</code>
            (or <code>Web/build.sh</code>).</p><p><a href="/api/v1/openapi.json">API</a> ·
            <a href="/healthz">health</a></p></body></html>
            """
        return Response(
            status: .ok, headers: [.contentType: "text/html; charset=utf-8", .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
