// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

@testable import TandemActors
import TandemCore
import Testing

@Suite("Deduplication by (client, seq)")
struct DeduplicationTests {
    /// A resend that reaches a new activation (the node restarted before the client heard its
    /// ack) is acknowledged again with the original version and is not applied twice: the
    /// client's last sequence is part of the durable state, replayed from the store.
    @Test func aResendAfterARestartIsAcknowledgedNotReapplied() async throws {
        let fixture = try await TicketActorFixture.make()
        defer { Task { await fixture.close() } }
        let before = try await fixture.activate()
        _ = try await before.submit(fixture.insert("one ", client: "c", seq: 1, base: 0, replyTo: 1))
        _ = try await before.submit(fixture.insert("two ", client: "c", seq: 2, base: 1, replyTo: 1))
        // No passivation: the activation is simply gone, as in a crash. No snapshot was written
        // after the text edits, so the new activation replays them from the op log.
        let after = try await fixture.activate()
        #expect(await after.version == 2)

        let resent = try await after.submit(fixture.insert("two ", client: "c", seq: 2, base: 1, replyTo: 2))
        #expect(resent == SubmitReply(version: 2, duplicate: true))
        #expect(fixture.delivery.acks(fixture.address(2)) == [2])
        #expect(try await fixture.storedVersions() == [1, 2])
        #expect(try await after.view(for: fixture.agent).internalNotes == "two one ")

        // An older sequence than the last committed one is refused, not applied.
        await #expect(throws: TicketActorError.staleSequence) {
            try await after.submit(fixture.insert("one ", client: "c", seq: 1, base: 0, replyTo: 2))
        }
        // The same sequence from another client is a different operation.
        let other = try await after.submit(fixture.insert("three ", client: "d", seq: 2, base: 2, replyTo: 3))
        #expect(other == SubmitReply(version: 3, duplicate: false))
        #expect(try await fixture.storedVersions() == [1, 2, 3])
    }

    /// The same holds when the new activation starts from a snapshot that already contains the
    /// operation (a passivation wrote it), with no operation left to replay.
    @Test func aResendAfterPassivationIsAcknowledgedFromTheSnapshot() async throws {
        let fixture = try await TicketActorFixture.make()
        defer { Task { await fixture.close() } }
        let before = try await fixture.activate()
        _ = try await before.submit(fixture.insert("one ", client: "c", seq: 7, base: 0, replyTo: 1))
        await before.passivate()
        let stored = try #require(try await fixture.sqlite.loadTicket(id: fixture.ticket))
        #expect(stored.snapshot.version == 1 && stored.ops.isEmpty)

        let after = try await fixture.activate()
        let resent = try await after.submit(fixture.insert("one ", client: "c", seq: 7, base: 0, replyTo: 1))
        #expect(resent == SubmitReply(version: 1, duplicate: true))
        #expect(fixture.delivery.acks(fixture.address(1)) == [1, 1])
        #expect(try await fixture.storedVersions() == [1])
    }
}
