// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

@testable import TandemActors
import TandemCore
import Testing

@Suite("The (ticket, version) fence")
struct VersionFenceTests {
    /// Two activations of one ticket (a lease moved while the old owner still ran): the second
    /// to commit a version is refused by the store's unique (ticket, version) key. That
    /// activation stops serving, tells its subscribers to resync, and acknowledges nothing.
    @Test func aSecondActivationCommittingTheSameVersionIsFencedAndResyncsItsSubscribers() async throws {
        let fixture = try await TicketActorFixture.make()
        defer { Task { await fixture.close() } }
        let winner = try await fixture.activate()
        let stale = try await fixture.activate()
        try await fixture.subscribe(stale, 10)
        try await fixture.subscribe(winner, 20)

        #expect(try await winner.submit(fixture.insert("mine ", client: "w", seq: 1, base: 0, replyTo: 20)).version == 1)
        await #expect(throws: TicketActorError.inactive) {
            try await stale.submit(fixture.insert("theirs ", client: "s", seq: 1, base: 0, replyTo: 10))
        }

        #expect(await stale.isInactive)
        #expect(await stale.subscriberCount == 0)
        let staleEvents = fixture.delivery.received(fixture.address(10))
        #expect(staleEvents.count == 2)
        #expect(staleEvents.last == .resync(topic: stale.topic, reason: "owner_changed"))
        #expect(fixture.delivery.acks(fixture.address(10)).isEmpty)
        // Only the winner's operation is stored; the winner goes on serving.
        #expect(try await fixture.storedVersions() == [1])
        #expect(try await winner.view(for: fixture.agent).internalNotes == "mine ")
        #expect(try await winner.submit(fixture.insert("more ", client: "w", seq: 2, base: 1, replyTo: 20)).version == 2)
        // The fenced activation refuses every later call; the caller looks the ticket up again.
        await #expect(throws: TicketActorError.inactive) { try await fixture.subscribe(stale, 11) }
        await #expect(throws: TicketActorError.inactive) { try await stale.view(for: fixture.agent) }
    }
}
