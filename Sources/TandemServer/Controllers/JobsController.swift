// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore
import TandemJobs
import TandemStore

/// `/api/v1/admin/jobs`: the job engine's queues and failed set, for admins (docs/API.md).
struct JobsController {
    typealias Context = TandemRequestContext
    let store: any TandemStore
    let policy: AccessPolicy
    let clock: any TandemClock
    let cursors: CursorSeal

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: counts)
        group.get("failed", use: failed)
        group.get(":id", use: read)
        group.post(":id/retry", use: retry)
        group.delete(":id", use: discard)
    }

    struct QueueCounts: Encodable, Sendable {
        var queue: String
        var waiting: Int
        var delayed: Int
        var active: Int
        var completed: Int
        var failed: Int
    }

    struct Counts: ResponseEncodable, Sendable {
        var queues: [QueueCounts]
    }

    struct JobResource: ResponseEncodable, Sendable {
        var id: String
        var queue: String
        var name: String
        /// The payload as JSON text.
        var payload: String
        var priority: Int
        var state: JobVisibleState
        var runAt: String
        var attempts: Int
        var maxAttempts: Int
        var progress: Int
        var lastError: String?
        var createdAt: String
        var startedAt: String?
        var finishedAt: String?
        var leaseOwner: String?
        var leaseExpiresAt: String?

        init(_ job: JobRecord, now: Timestamp) {
            id = job.id.rawValue
            queue = job.queue
            name = job.name
            payload = job.payload.json
            priority = job.priority
            state = job.visibleState(at: now)
            runAt = job.runAt.iso8601
            attempts = job.attempts
            maxAttempts = job.maxAttempts
            progress = job.progress
            lastError = job.lastError
            createdAt = job.createdAt.iso8601
            startedAt = job.startedAt?.iso8601
            finishedAt = job.finishedAt?.iso8601
            leaseOwner = job.lease?.owner
            leaseExpiresAt = job.lease?.expiresAt.iso8601
        }
    }

    struct Listing: ResponseEncodable, Sendable {
        var items: [JobResource]
        var nextCursor: String?
    }

    @Sendable func counts(_ request: Request, context: Context) async throws -> Counts {
        try authorize(context)
        let counts = try await store.jobCounts(now: clock.now())
        return Counts(
            queues: counts.keys.sorted().map { queue in
                let count = counts[queue]!
                return QueueCounts(
                    queue: queue, waiting: count.waiting, delayed: count.delayed, active: count.active,
                    completed: count.completed, failed: count.failed)
            })
    }

    @Sendable func failed(_ request: Request, context: Context) async throws -> Listing {
        try authorize(context)
        let queue = request.uri.queryParameters["queue"].map(String.init)
        if let queue { try Self.checkQueue(queue) }
        let page = try await store.failedJobs(queue: queue, page: try pageRequest(from: request, cursors: cursors))
        let now = clock.now()
        return Listing(items: page.items.map { JobResource($0, now: now) }, nextCursor: cursors.seal(page.nextCursor))
    }

    @Sendable func read(_ request: Request, context: Context) async throws -> JobResource {
        try authorize(context)
        let id = try jobID(context)
        guard let job = try await store.job(id: id) else { throw APIError.notFound("Job \(id.rawValue)") }
        return JobResource(job, now: clock.now())
    }

    @Sendable func retry(_ request: Request, context: Context) async throws -> JobResource {
        try authorize(context)
        let id = try jobID(context)
        let now = clock.now()
        do {
            return JobResource(try await store.retryFailedJob(id: id, at: now), now: now)
        } catch {
            throw Self.apiError(error, id: id)
        }
    }

    @Sendable func discard(_ request: Request, context: Context) async throws -> Response {
        try authorize(context)
        let id = try jobID(context)
        do {
            try await store.discardFailedJob(id: id)
        } catch {
            throw Self.apiError(error, id: id)
        }
        return Response(status: .noContent)
    }

    private func authorize(_ context: Context) throws {
        try policy.authorize(try context.requireIdentity(), .manageJobs, .system)
    }

    private func jobID(_ context: Context) throws -> JobID {
        let raw = try context.parameters.require("id")
        do {
            try Validators.identifier(raw, field: "id")
        } catch {
            throw APIError.notFound("Job \(raw)")
        }
        return JobID(raw)
    }

    static func checkQueue(_ queue: String) throws {
        guard !queue.isEmpty, queue.count <= 64,
            queue.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "-_.".contains($0)) })
        else {
            throw APIError(
                .unprocessableContent, code: "invalid", message: "queue must be 1 to 64 letters, digits, '-', '_' or '.'.",
                field: "queue")
        }
    }

    /// The API's answer for a job store refusal: 404 for an unknown job, 409 `job_not_failed`.
    static func apiError(_ error: any Error, id: JobID) -> any Error {
        switch error {
        case StoreError.notFound:
            return APIError.notFound("Job \(id.rawValue)")
        case JobError.notFailed(_, let state):
            return APIError(
                .conflict, code: "job_not_failed",
                message: "Job \(id.rawValue) is \(state.rawValue); only a failed job can be retried or discarded.")
        default:
            return error
        }
    }
}
