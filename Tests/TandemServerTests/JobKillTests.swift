// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import TandemCore
import TandemJobs
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

/// A `tandem serve` process is killed (SIGKILL) while it runs a job; after a restart the job
/// runs again and its effect — one notification, keyed by the job — exists exactly once.
@Suite(.serialized) struct JobKillTests {
    static let logger = Logger(label: "tandem.tests.job-kill") { _ in SwiftLogNoOpLogHandler() }

    /// Five trials, each killing at a different point of the run (the handler holds 4 s: room for a slow store read on a loaded machine before the kill).
    @Test(arguments: 0..<5)
    func aJobRunningWhenItsProcessIsKilledRunsAgainAndNotifiesOnce(trial: Int) async throws {
        let directory = try TemporaryDirectory()
        let path = "\(directory.path)/tandem.sqlite"
        let flags = [
            "serve", "--port", "0", "--store", "sqlite:\(path)", "--set", "jobs.testQueue=true",
            "--set", "jobs.leaseSeconds=2", "--set", "jobs.pollMilliseconds=20", "--set", "retention.enabled=false",
        ]
        // The first start makes the schema; the test then writes beside the server, as another client would.
        var server = try TandemProcess.start(flags, in: directory.path)
        defer { server.stop() }
        _ = try await server.waitForPort()
        let store = try SQLiteStore(path: path, logger: Self.logger)
        var fixtures = StoreFixturesLite()
        let user = fixtures.user()
        try await store.createUser(user)
        let now = Timestamp(millisecondsSince1970: Int64(Date().timeIntervalSince1970 * 1000))
        let id: JobID = IdentifierGenerator().make("job", at: UInt64(now.millisecondsSince1970))
        let job = JobRecord(
            id: id, queue: "test", name: "notify",
            payload: try JobPayload(json: #"{"user":"\#(user.id.rawValue)","holdMilliseconds":4000}"#), runAt: now,
            maxAttempts: 5, createdAt: now)
        _ = try await store.enqueueJob(job)

        #expect(await waitUntil { (try? await store.job(id: id))?.state == .active }, "\(server.output)")
        try await Task.sleep(for: .milliseconds(100 + 250 * trial))
        server.kill(SIGKILL)
        _ = await server.waitForExit(timeout: .seconds(10))
        #expect(server.endedBySignal)
        let killed = try #require(try await store.job(id: id))
        #expect(killed.state == .active && killed.attempts == 1, "killed mid-run: \(killed)")
        #expect(try await Self.notifications(store, user.id) == 0)

        server = try TandemProcess.start(flags, in: directory.path)
        _ = try await server.waitForPort()
        #expect(
            await waitUntil(.seconds(60)) { (try? await store.job(id: id))?.state == .completed },
            "\(server.output)")
        let done = try #require(try await store.job(id: id))
        #expect(done.attempts == 2, "run again once after the lease expired")
        #expect(try await Self.notifications(store, user.id) == 1)
        #expect(await server.terminate(timeout: .seconds(20)) == 0)
        try await store.close()
    }

    static func notifications(_ store: SQLiteStore, _ user: UserID) async throws -> Int {
        try await store.notifications(of: user, unreadOnly: false, page: PageRequest(limit: 200)).items.count
    }
}
