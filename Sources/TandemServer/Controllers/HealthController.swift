// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import Prometheus
import TandemStore

/// `/healthz` (the process answers), `/readyz` (its dependencies answer) and `/metrics`.
struct HealthController {
    typealias Context = TandemRequestContext
    let store: any TandemStore
    let registry: PrometheusCollectorRegistry
    let metrics: MetricsAccess

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in
            Self.json(#"{"status":"ok"}"#, status: .ok)
        }
        router.get("readyz") { _, context in
            do {
                try await store.ping()
                return Self.json(#"{"status":"ready","store":"ok"}"#, status: .ok)
            } catch {
                context.logger.warning("not ready", metadata: ["error": "\(error)"])
                return Self.json(#"{"status":"unavailable","store":"unreachable"}"#, status: .serviceUnavailable)
            }
        }
        router.get("metrics") { request, _ in
            try metrics.check(request)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    private static func json(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
