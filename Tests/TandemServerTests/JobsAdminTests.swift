// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdTesting
import TandemCore
import TandemJobs
import TandemStore
import Testing

/// `/api/v1/admin/jobs` over a real socket: counts, the failed list, retry and discard, admins only.
@Suite struct JobsAdminTests {
    /// A failed job and a delayed one in the store, as the engine leaves them.
    static func seed(_ env: TestEnvironment) async throws -> (failed: JobID, delayed: JobID) {
        let now = env.clock.now()
        let generator = IdentifierGenerator()
        let failing = JobRecord(
            id: generator.make("job", at: UInt64(now.millisecondsSince1970)), queue: "mail", name: "send",
            payload: try JobPayload(json: #"{"to":"a@example.com"}"#), runAt: now, maxAttempts: 1, createdAt: now)
        _ = try await env.store.enqueueJob(failing)
        let claimed = try await env.store.claimJobs(
            queue: "mail", owner: "test", now: now, leaseExpiresAt: now.adding(seconds: 30), limit: 1)
        try await env.store.failJob(try #require(claimed.first?.lease), at: now, error: "smtp: refused", retryAt: nil)
        let delayed = JobRecord(
            id: generator.make("job", at: UInt64(now.millisecondsSince1970 + 1)), queue: "mail", name: "send",
            runAt: now.adding(seconds: 3_600), createdAt: now)
        _ = try await env.store.enqueueJob(delayed)
        return (failing.id, delayed.id)
    }

    @Test func adminsSeeCountsAndRetryOrDiscardFailedJobs() async throws {
        let env = try await TestEnvironment.make { $0.jobs.enabled = false }
        try await env.user("admin@example.com", role: .admin)
        let (failed, delayed) = try await Self.seed(env)
        try await env.run { api in
            let admin = try await api.login("admin@example.com").accessToken
            let counts = try await api.get("/api/v1/admin/jobs", bearer: admin)
            #expect(counts.status == .ok, "\(counts.bodyText)")
            let queues = try #require(try counts.json()["queues"] as? [[String: Any]])
            #expect(queues.count == 1)
            #expect(queues.first?["queue"] as? String == "mail")
            #expect(queues.first?["failed"] as? Int == 1 && queues.first?["delayed"] as? Int == 1)
            #expect(queues.first?["waiting"] as? Int == 0 && queues.first?["active"] as? Int == 0)

            let list = try await api.get("/api/v1/admin/jobs/failed?queue=mail", bearer: admin)
            #expect(list.status == .ok, "\(list.bodyText)")
            let items = try list.page().items
            #expect(items.map { $0["id"] as? String } == [failed.rawValue])
            #expect(items.first?["lastError"] as? String == "smtp: refused")
            #expect(items.first?["state"] as? String == "failed")
            #expect(items.first?["payload"] as? String == #"{"to":"a@example.com"}"#)
            #expect(try await api.get("/api/v1/admin/jobs/failed?queue=other", bearer: admin).page().items.isEmpty)
            expectError(
                try await api.get("/api/v1/admin/jobs/failed?queue=%20bad", bearer: admin), .unprocessableContent, "invalid",
                field: "queue")

            let read = try await api.get("/api/v1/admin/jobs/\(delayed)", bearer: admin)
            #expect(try read.json()["state"] as? String == "delayed")
            expectError(try await api.get("/api/v1/admin/jobs/job_NOPE", bearer: admin), .notFound, "not_found")
            expectError(
                try await api.post("/api/v1/admin/jobs/\(delayed)/retry", bearer: admin), .conflict, "job_not_failed")
            expectError(try await api.delete("/api/v1/admin/jobs/\(delayed)", bearer: admin), .conflict, "job_not_failed")

            let retried = try await api.post("/api/v1/admin/jobs/\(failed)/retry", bearer: admin)
            #expect(retried.status == .ok, "\(retried.bodyText)")
            #expect(try retried.json()["state"] as? String == "waiting" && (try retried.json()["attempts"] as? Int) == 0)
            #expect(try await env.store.job(id: failed)?.state == .waiting)
            expectError(try await api.post("/api/v1/admin/jobs/\(failed)/retry", bearer: admin), .conflict, "job_not_failed")

            // Fail it again, then discard it.
            let now = env.clock.now()
            let again = try await env.store.claimJobs(
                queue: "mail", owner: "test", now: now, leaseExpiresAt: now.adding(seconds: 30), limit: 1)
            try await env.store.failJob(try #require(again.first?.lease), at: now, error: "smtp: refused", retryAt: nil)
            let discarded = try await api.delete("/api/v1/admin/jobs/\(failed)", bearer: admin)
            #expect(discarded.status == .noContent)
            #expect(try await env.store.job(id: failed) == nil)
            expectError(try await api.delete("/api/v1/admin/jobs/\(failed)", bearer: admin), .notFound, "not_found")
        }
    }

    @Test func everyoneElseIsRefused() async throws {
        let env = try await TestEnvironment.make { $0.jobs.enabled = false }
        for (email, role) in [("cus@example.com", Role.customer), ("agt@example.com", .agent), ("sup@example.com", .supervisor)] {
            try await env.user(email, role: role)
        }
        let (failed, _) = try await Self.seed(env)
        try await env.run { api in
            expectError(try await api.get("/api/v1/admin/jobs"), .unauthorized, "unauthenticated")
            for email in ["cus@example.com", "agt@example.com", "sup@example.com"] {
                let token = try await api.login(email).accessToken
                expectError(try await api.get("/api/v1/admin/jobs", bearer: token), .forbidden, "forbidden")
                expectError(try await api.get("/api/v1/admin/jobs/failed", bearer: token), .forbidden, "forbidden")
                expectError(try await api.get("/api/v1/admin/jobs/\(failed)", bearer: token), .forbidden, "forbidden")
                expectError(try await api.post("/api/v1/admin/jobs/\(failed)/retry", bearer: token), .forbidden, "forbidden")
                expectError(try await api.delete("/api/v1/admin/jobs/\(failed)", bearer: token), .forbidden, "forbidden")
            }
            #expect(try await env.store.job(id: failed)?.state == .failed)
        }
    }
}
