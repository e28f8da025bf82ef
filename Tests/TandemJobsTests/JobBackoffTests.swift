// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs
import TandemTestSupport
import Testing

@Suite struct JobBackoffTests {
    let backoff = JobBackoff(initialMilliseconds: 1_000, maximumMilliseconds: 60_000)

    @Test func theNominalDelayDoublesUpToTheMaximum() {
        #expect(
            (0...8).map(backoff.nominalDelay(afterAttempt:)) == [0, 1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000])
        #expect(backoff.nominalDelay(afterAttempt: 10_000) == 60_000, "no overflow")
        #expect(JobBackoff(initialMilliseconds: 0, maximumMilliseconds: 10).nominalDelay(afterAttempt: 3) == 0)
    }

    /// Equal jitter: every delay lies in the upper half of the nominal one, and they spread.
    @Test func jitterStaysInTheUpperHalfAndSpreads() {
        var random = SplitMix64(seed: 7)
        for attempt in 1...8 {
            let nominal = backoff.nominalDelay(afterAttempt: attempt)
            let delays = (0..<200).map { _ in backoff.delay(afterAttempt: attempt, using: &random) }
            #expect(delays.allSatisfy { $0 >= nominal / 2 && $0 <= nominal }, "attempt \(attempt)")
            #expect(Set(delays).count > 100, "attempt \(attempt) spreads")
        }
    }

    @Test func aFailureRetriesWhileAttemptsRemainThenFails() throws {
        var random = SplitMix64(seed: 1)
        let now = Timestamp(millisecondsSince1970: 1_000_000)
        var job = JobRecord(
            id: JobID("job_1"), queue: "q", name: "n", runAt: now, maxAttempts: 3, backoff: backoff, createdAt: now)
        job.attempts = 2
        let decision = JobRetryDecision.after(failing: job, at: now, using: &random)
        let retryAt = try #require(decision.retryAt)
        #expect(retryAt >= now.adding(milliseconds: 1_000) && retryAt <= now.adding(milliseconds: 2_000))
        job.attempts = 3
        #expect(JobRetryDecision.after(failing: job, at: now, using: &random) == .fail)
    }

    @Test func payloadsMustBeJSON() throws {
        #expect(try JobPayload(json: #"{"a":[1,2]}"#).json == #"{"a":[1,2]}"#)
        #expect(throws: ValidationError.self) { try JobPayload(json: "{nope") }
        struct Body: Codable, Equatable { var ticket: String }
        #expect(try JobPayload(encoding: Body(ticket: "t")).decode(Body.self) == Body(ticket: "t"))
    }

    /// Effect ids are a function of the job and the effect's name, the same in every process.
    @Test func effectKeysAreStable() {
        let a = JobEffectKey.notificationID(job: JobID("job_01ABC"), name: "supervisor:usr_1")
        #expect(a == JobEffectKey.notificationID(job: JobID("job_01ABC"), name: "supervisor:usr_1"))
        #expect(a != JobEffectKey.notificationID(job: JobID("job_01ABC"), name: "supervisor:usr_2"))
        #expect(a != JobEffectKey.notificationID(job: JobID("job_01ABD"), name: "supervisor:usr_1"))
        #expect(a.rawValue == "ntf_01ABC_\(JobEffectKey.stableHashForTests("supervisor:usr_1"))")
        #expect(JobEffectKey.stableHashForTests("") == "cbf29ce484222325", "FNV-1a offset basis")
    }
}
