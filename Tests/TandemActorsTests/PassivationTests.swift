// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

@testable import TandemActors
import TandemCore
import TandemTestSupport
import Testing

@Suite("Passivation and reactivation")
struct PassivationTests {
    /// An actor is passivated only when idle with no subscriber and nothing pending. Passivating
    /// writes a final snapshot, tells subscribers to resync and refuses later calls; a new
    /// activation starts from that snapshot with the same state and no subscribers, and a
    /// subscriber resumes from its version without missing anything.
    @Test func passivationSnapshotsAndReactivationResumesFromTheStore() async throws {
        let fixture = try await TicketActorFixture.make()
        defer { Task { await fixture.close() } }
        let actor = try await fixture.activate()
        try await fixture.subscribe(actor, 1)
        for seq in Int64(1)...3 {
            _ = try await actor.submit(fixture.insert("\(seq) ", client: "c", seq: seq, base: seq - 1, replyTo: 1))
        }
        let idle: Int64 = 60_000
        fixture.clock.advance(milliseconds: idle)
        // A subscriber keeps it active, however idle.
        #expect(await !actor.maintain(now: fixture.clock.now(), idleMilliseconds: idle))
        await actor.unsubscribe(fixture.address(1))
        // Unsubscribing is activity: the idle time starts again.
        #expect(await !actor.maintain(now: fixture.clock.now(), idleMilliseconds: idle))
        fixture.clock.advance(milliseconds: idle)
        #expect(await actor.maintain(now: fixture.clock.now(), idleMilliseconds: idle))

        try await fixture.subscribe(actor, 2)
        await actor.passivate()
        #expect(await actor.isInactive)
        #expect(fixture.delivery.received(fixture.address(2)).last == .resync(topic: actor.topic, reason: "passivated"))
        await #expect(throws: TicketActorError.inactive) {
            try await actor.submit(fixture.insert("late ", client: "c", seq: 4, base: 3, replyTo: 2))
        }
        // The final snapshot holds every operation: the next activation replays none.
        let stored = try #require(try await fixture.sqlite.loadTicket(id: fixture.ticket))
        #expect(stored.snapshot.version == 3 && stored.ops.isEmpty)

        let next = try await fixture.activate()
        #expect(await next.version == 3)
        #expect(await next.subscriberCount == 0)
        #expect(try await next.view(for: fixture.agent).internalNotes == "3 2 1 ")
        // The resyncing subscriber resumes from its version: nothing missed, nothing repeated.
        let reply = try await fixture.subscribe(next, 2, from: 3)
        #expect(reply == .ops([], version: 3, presence: []))
        #expect(try await next.submit(fixture.insert("4 ", client: "c", seq: 4, base: 3, replyTo: 2)).version == 4)
        #expect(fixture.delivery.acks(fixture.address(2)) == [4])
        #expect(try await fixture.storedVersions() == [1, 2, 3, 4])
    }

    /// Operations waiting for their commit keep the actor active.
    @Test func pendingCommitsKeepTheActorActive() async throws {
        let fixture = try await TicketActorFixture.make()
        defer { Task { await fixture.close() } }
        let actor = try await fixture.activate()
        fixture.store.holdCommits()
        let submit = Task { try await actor.submit(fixture.insert("x", client: "c", seq: 1, base: 0)) }
        #expect(await waitUntil { fixture.store.commitsInFlight == 1 })
        fixture.clock.advance(milliseconds: 120_000)
        #expect(await !actor.maintain(now: fixture.clock.now(), idleMilliseconds: 60_000))
        fixture.store.releaseCommits()
        #expect(try await submit.value.version == 1)
        fixture.clock.advance(milliseconds: 120_000)
        #expect(await actor.maintain(now: fixture.clock.now(), idleMilliseconds: 60_000))
    }
}
