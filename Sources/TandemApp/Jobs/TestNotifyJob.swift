// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs

/// The `test` queue's `notify` job (`jobs.testQueue`, never in production): waits
/// `holdMilliseconds` — long enough for a test to kill the process while it runs — then
/// returns one notification for `user` keyed by the job, so a test can count that the effect
/// happened exactly once however often the job ran.
struct TestNotifyJob: JobHandler {
    static let queue = "test"
    static let name = "notify"

    struct Payload: Codable, Sendable {
        var user: String
        var holdMilliseconds: Int
    }

    func run(_ job: JobRecord, context: JobContext) async throws -> [JobEffect] {
        let payload = try job.payload.decode(Payload.self)
        try await Task.sleep(for: .milliseconds(max(0, min(payload.holdMilliseconds, 600_000))))
        let user = UserID(payload.user)
        return [
            .notifications([
                UserNotification(
                    id: JobEffectKey.notificationID(job: job.id, name: "notify:\(payload.user)"), user: user,
                    kind: .ticketUpdated, ticket: TicketID("tkt_test"), actor: user, text: "Test job \(job.id)",
                    createdAt: context.now())
            ])
        ]
    }
}
