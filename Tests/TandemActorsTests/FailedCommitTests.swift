// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

@testable import TandemActors
import TandemCore
import TandemStore
import TandemTestSupport
import Testing

@Suite("A failed commit")
struct FailedCommitTests {
    /// The store refuses a batch: that operation and every one queued behind it (they were
    /// transformed against it) fail, nothing is acknowledged or broadcast, the durable state is
    /// untouched, and the next submissions commit normally, from the same version.
    @Test func failsItsOperationAndEveryOneBehindItAndLeavesTheStateUntouched() async throws {
        let fixture = try await TicketActorFixture.make()
        defer { Task { await fixture.close() } }
        let actor = try await fixture.activate()
        try await fixture.subscribe(actor, 100)
        #expect(try await actor.submit(fixture.insert("kept ", client: "k", seq: 1, base: 0, replyTo: 1)).version == 1)

        fixture.store.holdCommits()
        fixture.store.failNextCommit(with: StoreError.unavailable("disk full"))
        let leader = Task { try await actor.submit(fixture.insert("lost ", client: "a", seq: 1, base: 1, replyTo: 2)) }
        #expect(await waitUntil { fixture.store.commitsInFlight == 1 })
        let behind = (3...5).map { connection in
            Task {
                try await actor.submit(
                    fixture.insert("behind ", client: "b\(connection)", seq: 1, base: 1, replyTo: UInt64(connection)))
            }
        }
        #expect(await waitUntil { await actor.queuedForCommit == 3 })
        fixture.store.releaseCommits()

        for task in [leader] + behind {
            await #expect(throws: TicketActorError.unavailable("unavailable(\"disk full\")")) { try await task.value }
        }
        #expect(await actor.version == 1)
        #expect(try await actor.view(for: fixture.agent).internalNotes == "kept ")
        #expect(try await fixture.storedVersions() == [1])
        #expect(fixture.delivery.opVersions(fixture.address(100)) == [1])
        for connection in UInt64(2)...5 { #expect(fixture.delivery.acks(fixture.address(connection)).isEmpty) }
        #expect(await !actor.isInactive)

        // Later commits work and take the versions the failed ones did not keep; a failed
        // (client, seq) is not a duplicate: its resend is applied.
        #expect(try await actor.submit(fixture.insert("again ", client: "a", seq: 1, base: 1, replyTo: 2)).version == 2)
        #expect(try await actor.submit(fixture.insert("next ", client: "b3", seq: 1, base: 2, replyTo: 3)).version == 3)
        #expect(try await actor.view(for: fixture.agent).internalNotes == "next again kept ")
        #expect(try await fixture.storedVersions() == [1, 2, 3])
        #expect(fixture.delivery.opVersions(fixture.address(100)) == [1, 2, 3])
        #expect(fixture.store.committedBatches == [[1], [2], [3]])
    }
}
