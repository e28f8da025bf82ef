// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

/// `kill -9` while many tickets commit at once loses no acknowledged operation of any of them.
///
/// On SQLite the batches of tickets that are ready together share one transaction and one
/// sync (the store's node-wide group commit): an acknowledgement must still mean that its
/// own ticket's batch is durable, whichever transaction carried it.
@Suite(.serialized, .timeLimit(.minutes(3))) struct KillDuringManyTicketStormTests {
    static let tickets = 6
    static let clientsPerTicket = 2

    /// Two storms over six tickets at once, each ended by SIGKILL; after each restart every
    /// ticket passes the full durability check (every acknowledged edit there exactly once,
    /// exact catch-up, resends recognised).
    @Test func sigkillWhileManyTicketsCommitTogetherLosesNoAcknowledgedOperation() async throws {
        let started = ContinuousClock.now
        let fixture = try await DurabilityFixture()
        var tickets = [fixture.ticket]
        for index in 1..<Self.tickets {
            tickets.append(try await fixture.api.createTicket(token: fixture.token, subject: "Storm \(index)"))
        }
        var ledgers = [Ledger](repeating: Ledger(), count: tickets.count)
        for (cycle, length) in [Duration.milliseconds(1_800), .milliseconds(2_400)].enumerated() {
            let server = fixture.server
            let (port, token) = (fixture.port, fixture.token)
            let storms = await withTaskGroup(of: (Int, StormResult).self) { group in
                for (index, ticket) in tickets.enumerated() {
                    group.addTask {
                        let storm = await EditStorm.run(
                            port: port, token: token, topic: "ticket:\(ticket)",
                            clients: (0..<Self.clientsPerTicket).map { "m\(cycle)t\(index)c\($0)" }, for: length
                        ) {
                            server.kill(SIGKILL)
                        }
                        return (index, storm)
                    }
                }
                var storms = [StormResult?](repeating: nil, count: tickets.count)
                for await (index, storm) in group { storms[index] = storm }
                return storms.compactMap { $0 }
            }
            _ = await server.waitForExit(timeout: .seconds(10))
            #expect(server.endedBySignal, "the server should have died of SIGKILL")
            try #require(storms.count == tickets.count)

            try await fixture.restart()
            var acks = 0
            for (index, storm) in storms.enumerated() {
                for outcome in storm.clients {
                    #expect(outcome.violations.isEmpty, "\(outcome.client): \(outcome.violations.prefix(5))")
                }
                ledgers[index].add(storm)
                acks += storm.clients.map(\.acks.count).reduce(0, +)
                let check = DurabilityCheck(
                    api: fixture.api, endpoint: .node(port: fixture.port), token: fixture.token, ticket: tickets[index])
                _ = try await check.run(ledgers[index], latest: storm.clients)
            }
            print("[durability] many tickets, kill \(cycle + 1): \(acks) acks over \(tickets.count) tickets")
        }
        fixture.server.kill(SIGTERM)
        #expect(await fixture.server.waitForExit(timeout: .seconds(10)) == 0)
        // Every ticket made progress, so that batches of several tickets were ready together.
        for (index, ledger) in ledgers.enumerated() {
            #expect(!ledger.acks.isEmpty, "ticket \(index) got no acknowledgement in any storm")
        }
        print("[durability] many-ticket SIGKILL test took \(ContinuousClock.now - started)")
    }
}
