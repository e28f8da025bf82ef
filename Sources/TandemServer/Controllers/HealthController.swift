// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import Prometheus
import TandemStore

/// `/healthz` (the process answers), `/readyz` (its dependencies answer) and `/metrics`.
struct HealthController {
    typealias Context = TandemRequestContext
    /// The store first, then the rest (Redis in a cluster).
    let probes: [DependencyProbe]
    let registry: PrometheusCollectorRegistry
    let logEvents: LogEventCounter
    let metrics: MetricsAccess
    /// How long a scrape waits for each dependency before counting it down.
    static let probeTimeout: Duration = .seconds(2)

    func addRoutes(to router: Router<Context>) {
        router.get("healthz") { _, _ in
            Self.json(#"{"status":"ok"}"#, status: .ok)
        }
        router.get("readyz") { _, context in
            var fields = [#""status":"ready""#]
            var ready = true
            for probe in probes {
                do {
                    try await probe.check()
                    fields.append(#""\#(probe.name)":"ok""#)
                } catch {
                    context.logger.warning("not ready", metadata: ["dependency": "\(probe.name)", "error": "\(error)"])
                    fields.append(#""\#(probe.name)":"unreachable""#)
                    ready = false
                }
            }
            if !ready { fields[0] = #""status":"unavailable""# }
            return Self.json("{" + fields.joined(separator: ",") + "}", status: ready ? .ok : .serviceUnavailable)
        }
        router.get("metrics") { request, _ in
            try metrics.check(request)
            var buffer: [UInt8] = []
            buffer.reserveCapacity(16_384)
            registry.emit(into: &buffer)
            var text = ""
            await dependencyGauges(into: &text)
            ProcessMetrics.write(into: &text)
            logEvents.write(into: &text)
            buffer.append(contentsOf: text.utf8)
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: buffer)))
        }
    }

    /// `tandem_dependency_up`: 1 when the dependency answered within ``probeTimeout``, else 0.
    private func dependencyGauges(into text: inout String) async {
        text += "# HELP tandem_dependency_up Whether a dependency (store, redis) answered this scrape's probe.\n"
        text += "# TYPE tandem_dependency_up gauge\n"
        for probe in probes {
            let up = await probe.answers(within: Self.probeTimeout)
            text += "tandem_dependency_up{dependency=\"\(probe.name)\"} \(up ? 1 : 0)\n"
        }
    }

    private static func json(_ body: String, status: HTTPResponse.Status) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
