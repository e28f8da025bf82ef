// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HTTPTypes
import HummingbirdTesting
import Logging
import TandemTestSupport
import Testing

@testable import TandemServer

/// What the alert rules in Config/prometheus read: dependency probes, process resources and
/// error fingerprints on `/metrics`, and every metric the rules name.
@Suite struct ObservabilityTests {
    private struct Unreachable: Error {}

    @Test("a dependency that does not answer is 0 on /metrics and makes /readyz 503; the store is 1")
    func dependencyProbes() async throws {
        var env = try await TestEnvironment.make()
        env.dependencies.server.probes.append(DependencyProbe(name: "redis") { throw Unreachable() })
        env.dependencies.server.probes.append(
            DependencyProbe(name: "hanging") { try await Task.sleep(for: .seconds(60)) })
        try await env.run { api in
            let text = try await api.get("/metrics").bodyText
            #expect(text.contains(#"tandem_dependency_up{dependency="store"} 1"#), "\(text)")
            #expect(text.contains(#"tandem_dependency_up{dependency="redis"} 0"#))
            #expect(text.contains(#"tandem_dependency_up{dependency="hanging"} 0"#))
        }
        var redisOnly = try await TestEnvironment.make()
        redisOnly.dependencies.server.probes.append(DependencyProbe(name: "redis") { throw Unreachable() })
        try await redisOnly.run { api in
            let ready = try await api.get("/readyz")
            #expect(ready.status == .serviceUnavailable)
            let body = try ready.json()
            #expect(body["status"] as? String == "unavailable")
            #expect(body["store"] as? String == "ok")
            #expect(body["redis"] as? String == "unreachable")
        }
    }

    @Test("process resources are on /metrics with their limits")
    func processMetrics() async throws {
        let env = try await TestEnvironment.make()
        try await env.run { api in
            let text = try await api.get("/metrics").bodyText
            func value(_ name: String) -> Double? {
                text.split(separator: "\n").first { $0.hasPrefix(name + " ") }.flatMap { Double($0.split(separator: " ")[1]) }
            }
            let open = try #require(value("process_open_fds"), "\(text)")
            let max = try #require(value("process_max_fds"))
            #expect(open > 3 && open < max)
            let rss = try #require(value("process_resident_memory_bytes"))
            let limit = try #require(value("tandem_memory_limit_bytes"))
            #expect(rss > 1_000_000 && rss < limit)
            #expect(try #require(value("process_cpu_seconds_total")) > 0)
            let start = try #require(value("process_start_time_seconds"))
            #expect(abs(start - Date().timeIntervalSince1970) < 24 * 3600)
        }
    }

    @Test("error events are counted per stable fingerprint, which also goes into the log line")
    func errorFingerprints() async throws {
        let counter = LogEventCounter()
        let recorder = LogRecorder()
        let logger = Logger(label: "tandem.store") { label in
            FingerprintLogHandler(wrapping: recorder.handler(), label: label, counter: counter)
        }
        logger.error("commit failed", metadata: ["ticket": "tkt_1"])
        logger.error("commit failed", metadata: ["ticket": "tkt_2"])
        logger.error("snapshot unreadable")
        logger.warning("commit failed")
        let fingerprint = LogEventCounter.fingerprint(label: "tandem.store", level: .error, message: "commit failed")
        #expect(fingerprint.count == 12)
        #expect(fingerprint != LogEventCounter.fingerprint(label: "tandem.store", level: .error, message: "snapshot unreadable"))
        #expect(recorder.all.filter { $0.contains("fingerprint=\(fingerprint)") }.count == 2, "\(recorder.all)")

        var env = try await TestEnvironment.make()
        env.dependencies.server.logEvents = counter
        try await env.run { api in
            let text = try await api.get("/metrics").bodyText
            #expect(
                text.contains(#"tandem_log_errors_total{level="error",label="tandem.store",fingerprint="\#(fingerprint)"} 2"#),
                "\(text)")
            #expect(text.components(separatedBy: "tandem_log_errors_total{").count - 1 == 2)
        }
    }

    @Test("past its capacity the counter keeps counting under 'other'")
    func fingerprintCapacity() {
        let counter = LogEventCounter(capacity: 2)
        for index in 0..<5 { counter.record(level: .error, label: "l", fingerprint: "f\(index)") }
        var text = ""
        counter.write(into: &text)
        #expect(text.contains(#"fingerprint="f0"} 1"#) && text.contains(#"fingerprint="f1"} 1"#))
        #expect(text.contains(#"label="other",fingerprint="other"} 3"#), "\(text)")
    }

    @Test("every metric the alert rules name is one /metrics serves")
    func alertRulesNameServedMetrics() async throws {
        let rules = try RepositoryFiles.text("Config/prometheus/tandem-alerts.yml")
        let named = Set(
            rules.matches(of: /\b((?:tandem|process)_[a-z_]+)\b/).map { String($0.output.1) }
                .map { $0.replacing(/_(bucket|sum|count)$/, with: "") })
        #expect(named.count >= 8, "\(named)")
        var env = try await TestEnvironment.make()
        env.dependencies.server.logEvents = LogEventCounter()
        try await env.run { api in
            _ = try await api.get("/healthz")
            // The job engine's counts appear after its first refresh (once a second).
            var text = ""
            _ = await waitUntil(.seconds(15)) {
                text = (try? await api.get("/metrics").bodyText) ?? ""
                return named.allSatisfy { text.contains("# TYPE \($0) ") }
            }
            for name in named.sorted() {
                #expect(text.contains("# TYPE \(name) "), "the rules name \(name), which /metrics does not serve")
            }
        }
    }

    @Test("a request keeps a valid incoming trace, gets a new span, and its log lines carry both; bad ones start a trace")
    func traceContext() async throws {
        let logs = LogRecorder()
        var env = try await TestEnvironment.make(logs: logs)
        env.dependencies.server.logger.logLevel = .info  // the per-request line
        let trace = "4bf92f3577b34da6a3ce929d0e0e4736"
        try await env.run { api in
            let kept = try await api.get("/api/v1/nope", headers: [.traceparent: "00-\(trace)-00f067aa0ba902b7-01"])
            let parts = try #require(kept.headers[.traceparent]).split(separator: "-").map(String.init)
            #expect(parts.count == 4 && parts[0] == "00" && parts[1] == trace && parts[3] == "00", "\(parts)")
            #expect(parts[2] != "00f067aa0ba902b7" && parts[2].count == 16)
            for bad in [
                "", "00-\(trace)-0000000000000000-01", "ff-\(trace)-00f067aa0ba902b7-01",
                "00-\(trace.uppercased())-00f067aa0ba902b7-01",
            ] {
                let fresh = try await api.get("/healthz", headers: bad.isEmpty ? [:] : [.traceparent: bad])
                let id = try #require(fresh.headers[.traceparent]).split(separator: "-")[1]
                #expect(id.count == 32 && id != Substring(trace), "\(bad)")
            }
        }
        #expect(logs.all.contains { $0.contains("trace.id=\(trace)") && $0.contains("span.id=") }, "\(logs.all.suffix(5))")
    }
}
