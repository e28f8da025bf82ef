// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

@testable import TandemActors
import TandemCore
import TandemTestSupport
import Testing

@Suite("Group commit")
struct GroupCommitTests {
    /// While one commit is being written, everything submitted meanwhile queues and goes to
    /// the store as one transaction; every submitter is acknowledged, in version order, and
    /// only once its operation is durable.
    @Test func concurrentSubmitsShareOneTransactionAndAreAckedInVersionOrder() async throws {
        let fixture = try await TicketActorFixture.make()
        defer { Task { await fixture.close() } }
        let actor = try await fixture.activate()
        try await fixture.subscribe(actor, 100)
        let writers = 24

        // The first submission leads and is held inside the store.
        fixture.store.holdCommits()
        let first = Task { try await actor.submit(fixture.insert("a", client: "c0", seq: 1, base: 0, replyTo: 1)) }
        #expect(await waitUntil { fixture.store.commitsInFlight == 1 })
        // The others queue behind it.
        let others = (1...writers).map { index in
            Task {
                try await actor.submit(
                    fixture.insert("b", client: "c\(index)", seq: 1, base: 0, replyTo: UInt64(index + 1)))
            }
        }
        #expect(await waitUntil { await actor.queuedForCommit == writers })
        #expect(fixture.delivery.deliveries.allSatisfy { if case .subscribed = $0.event { true } else { false } })

        fixture.store.releaseCommits()
        let firstReply = try await first.value
        var versions: [Int64] = []
        for task in others { versions.append(try await task.value.version) }

        #expect(firstReply == SubmitReply(version: 1, duplicate: false))
        #expect(Set(versions) == Set(2...Int64(writers + 1)))
        // Two store transactions for 25 operations: the held one, and everything queued behind it.
        #expect(fixture.store.committedBatches == [[1], Array(2...Int64(writers + 1))])
        #expect(try await fixture.storedVersions() == Array(1...Int64(writers + 1)))
        // Each submitter got its own version acknowledged; acks went out in version order.
        let acks = fixture.delivery.deliveries.compactMap { delivery -> Int64? in
            if case .ack(_, _, _, let version) = delivery.event { version } else { nil }
        }
        #expect(acks == Array(1...Int64(writers + 1)))
        for (index, task) in others.enumerated() {
            #expect(fixture.delivery.acks(fixture.address(UInt64(index + 2))) == [try await task.value.version])
        }
        // The subscriber saw every operation once, in order.
        #expect(fixture.delivery.opVersions(fixture.address(100)) == Array(1...Int64(writers + 1)))
        #expect(await actor.version == Int64(writers + 1))
    }

    /// A lone writer never waits for company: each submission is its own transaction.
    @Test func sequentialSubmitsCommitOneByOne() async throws {
        let fixture = try await TicketActorFixture.make()
        defer { Task { await fixture.close() } }
        let actor = try await fixture.activate()
        for seq in Int64(1)...3 {
            let reply = try await actor.submit(fixture.insert("x", client: "c", seq: seq, base: seq - 1, replyTo: 1))
            #expect(reply.version == seq)
        }
        #expect(fixture.store.committedBatches == [[1], [2], [3]])
        #expect(fixture.delivery.acks(fixture.address(1)) == [1, 2, 3])
    }
}
