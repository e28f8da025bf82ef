// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HTTPTypes
import Hummingbird
import TandemActors

/// W3C Trace Context for every request: the trace a request belongs to goes into each of its
/// log lines (`trace.id`, with this request's `span.id`) and back in the `traceparent` response
/// header, so that a request can be followed from a proxy or a client through the logs.
///
/// A valid incoming `traceparent` (version `00`, non-zero ids, lower-case hex) keeps its trace
/// id and gets a new span id for this request; anything else starts a new trace. The flags are
/// `00`: nothing is sampled or exported (no tracer is configured; docs/OPERATIONS.md).
struct TraceContextMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        let trace = request.headers[.traceparent].flatMap(TraceParent.init(header:))?.traceID ?? TraceParent.randomHex(bytes: 16)
        let span = TraceParent.randomHex(bytes: 8)
        let header = "00-\(trace)-\(span)-00"
        var context = context
        context.logger[metadataKey: "trace.id"] = .string(trace)
        context.logger[metadataKey: "span.id"] = .string(span)
        do {
            var response = try await TraceContext.$traceID.withValue(trace) { try await next(request, context) }
            response.headers[.traceparent] = header
            return response
        } catch let error as any HTTPResponseError {
            throw HeaderTaggedError(base: error, field: HTTPField(name: .traceparent, value: header))
        }
    }
}

/// A `traceparent` header's trace id, when the header is valid.
struct TraceParent {
    let traceID: String

    init?(header: String) {
        let parts = header.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0] == "00", parts.count == 4,
            Self.isHex(parts[1], count: 32), Self.isHex(parts[2], count: 16), Self.isHex(parts[3], count: 2),
            parts[1].contains(where: { $0 != "0" }), parts[2].contains(where: { $0 != "0" })
        else { return nil }
        traceID = String(parts[1])
    }

    private static func isHex(_ part: Substring, count: Int) -> Bool {
        part.utf8.count == count && part.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    static func randomHex(bytes: Int) -> String {
        var hex = ""
        hex.reserveCapacity(bytes * 2)
        for _ in 0..<bytes {
            let byte = UInt8.random(in: 0...255)
            hex += String(byte >> 4, radix: 16) + String(byte & 0x0F, radix: 16)
        }
        return hex
    }
}
