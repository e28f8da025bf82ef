// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import Metrics

/// Counts requests and records their latency by route, method and status,
/// through swift-metrics with an explicit factory (no global bootstrap).
struct HTTPMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let factory: any MetricsFactory

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let start = ContinuousClock.now
        do {
            let response = try await next(request, context)
            record(request, context, response.status, start)
            return response
        } catch let error as any HTTPResponseError {
            record(request, context, error.status, start)
            throw error
        } catch {
            record(request, context, .internalServerError, start)
            throw error
        }
    }

    private func record(_ request: Request, _ context: Context, _ status: HTTPResponse.Status, _ start: ContinuousClock.Instant) {
        let dimensions = [
            ("route", context.endpointPath ?? "unmatched"),
            ("method", request.method.rawValue),
            ("status", String(status.code)),
        ]
        Counter(label: "tandem_http_requests_total", dimensions: dimensions, factory: factory).increment()
        Timer(label: "tandem_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            .recordInterval(since: start)
    }
}

extension Timer {
    /// Records the time elapsed since `start`.
    func recordInterval(since start: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - start
        recordNanoseconds(elapsed.components.seconds * 1_000_000_000 + elapsed.components.attoseconds / 1_000_000_000)
    }
}
