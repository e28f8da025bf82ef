// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs
import Testing

@Suite struct RepeatableJobTests {
    /// 2027-01-15 00:00:00 UTC.
    let start = Timestamp(millisecondsSince1970: 1_799_971_200_000)

    func schedule(_ cron: String, zone: String = "UTC", lastTick: Timestamp? = nil) throws -> RepeatableJob {
        var job = try RepeatableJob(id: "r", queue: "q", name: "n", cron: cron, timeZone: zone, createdAt: start)
        job.lastTick = lastTick
        return job
    }

    @Test func theNextTickLiesAheadUntilItIsDue() throws {
        let hourly = try schedule("0 * * * *")
        let next = try #require(try hourly.nextTick(at: start.adding(seconds: 60)))
        #expect(next.tick == start.adding(seconds: 3_600) && next.due == false)
        let due = try #require(try hourly.nextTick(at: start.adding(seconds: 3_600)))
        #expect(due.tick == start.adding(seconds: 3_600) && due.due)
    }

    /// All nodes down for a day: one catch-up run for the latest missed tick, not 24.
    @Test func missedTicksRunOnce() throws {
        let hourly = try schedule("0 * * * *", lastTick: start)
        let now = start.adding(seconds: 86_400 + 1_800)
        let next = try #require(try hourly.nextTick(at: now))
        #expect(next.tick == start.adding(seconds: 86_400) && next.due)
        var advanced = hourly
        advanced.lastTick = next.tick
        #expect(try advanced.nextTick(at: now)?.tick == start.adding(seconds: 86_400 + 3_600))
        #expect(try advanced.nextTick(at: now)?.due == false)
    }

    @Test func ticksFollowTheZone() throws {
        // 02:00 in Berlin is 01:00 UTC in January.
        let nightly = try schedule("0 2 * * *", zone: "Europe/Berlin")
        #expect(try nightly.nextTick(at: start)?.tick == start.adding(seconds: 3_600))
    }

    @Test func eachTickHasItsOwnKey() throws {
        let hourly = try schedule("0 * * * *")
        let a = hourly.uniqueKey(tick: start)
        #expect(a == "repeat:r@\(start.millisecondsSince1970)")
        #expect(a != hourly.uniqueKey(tick: start.adding(seconds: 3_600)))
        let job = hourly.job(tick: start, id: JobID("job_1"), createdAt: start)
        #expect(job.uniqueKey == a && job.runAt == start && job.queue == "q" && job.state == .waiting)
    }

    @Test func badSchedulesAreRefusedNamingTheField() {
        #expect(throws: ValidationError.self) { try schedule("61 * * * *") }
        do {
            _ = try schedule("* * * * *", zone: "Mars/Olympus")
            Issue.record("accepted an unknown zone")
        } catch let error as ValidationError {
            #expect(error.field == "timeZone")
        } catch {
            Issue.record("\(error)")
        }
        do {
            _ = try schedule("* * *")
            Issue.record("accepted three fields")
        } catch let error as ValidationError {
            #expect(error.field == "cron")
        } catch {
            Issue.record("\(error)")
        }
    }

    @Test func sameScheduleIgnoresProgress() throws {
        let a = try schedule("0 * * * *")
        var b = a
        b.lastTick = start
        #expect(a.sameSchedule(as: b))
        b.cron = "5 * * * *"
        #expect(!a.sameSchedule(as: b))
    }
}
