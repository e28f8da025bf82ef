// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import Testing

/// How long the co-editing storm lasts: 10 s (the issue's evidence), 2 s with `TANDEM_QUICK=1`.
let stormDuration: Duration = ProcessInfo.processInfo.environment["TANDEM_QUICK"] == "1" ? .seconds(2) : .seconds(10)

@Suite("Co-editing over real WebSockets")
struct CoEditingTests {
    @Test("three agents edit one ticket at random for ten seconds and converge on the server's text")
    func threeAgentsConverge() async throws {
        let options = LiveOptions(configure: {
            $0.live.opsPerSecond = 100_000
            $0.live.opsBurst = 100_000
        })
        try await LiveServer.run(options) { server in
            let ticket = try await server.createTicket(
                as: server.agents[0], requester: server.customers[0], team: server.team,
                description: "Line one 👍🏽 e\u{301} 漢字")
            let baseSeed = UInt64.random(in: 0...UInt64.max)
            let agents = server.agents.enumerated().map { index, person in
                EditingAgent(name: person.user.name, ticket: ticket, seed: baseSeed &+ UInt64(index))
            }
            for (agent, person) in zip(agents, server.agents) { try await agent.start(server: server, as: person) }
            let startVersion = try #require(agents[0].snapshot?.version)

            // The storm.
            let deadline = ContinuousClock.now + stormDuration
            try await withThrowingTaskGroup(of: Void.self) { group in
                for agent in agents { group.addTask { try await agent.storm(until: deadline) } }
                try await group.waitForAll()
            }

            // Everything sent is acknowledged, and everyone catches up with the server.
            try await eventually("every agent's operations acknowledged", timeout: .seconds(30)) {
                agents.allSatisfy { $0.snapshot?.isSettled == true }
            }
            let rest = try await server.ticket(ticket, as: server.admin)
            let serverVersion = try #require(rest["version"]?.int)
            try await eventually("every agent at v\(serverVersion)", timeout: .seconds(15)) {
                agents.allSatisfy { $0.snapshot?.version == serverVersion }
            }
            let seedNote = "storm seed \(baseSeed)"
            for agent in agents { #expect(agent.problems.isEmpty, "\(seedNote): \(agent.problems.prefix(5))") }

            // Identical texts, equal to REST and to a fresh snapshot.
            let documents = agents.compactMap(\.snapshot)
            #expect(documents.count == 3)
            let draft = try #require(rest["replyDraft"]?.string)
            let description = try #require(rest["description"]?.string)
            for document in documents {
                #expect(document.text(.replyDraft).unicodeScalars.elementsEqual(draft.unicodeScalars), "\(seedNote)")
                #expect(document.text(.description).unicodeScalars.elementsEqual(description.unicodeScalars), "\(seedNote)")
            }
            let observer = try await server.connect(server.supervisor, name: "observer")
            let fresh = try await observer.subscribe("ticket:\(ticket)")
            #expect(fresh.type == "snapshot")
            #expect(fresh.json["v"]?.int == serverVersion)
            #expect(fresh.json["ticket"]?["replyDraft"]?.string == draft)
            #expect(fresh.json["ticket"]?["description"]?.string == description)

            // No operation lost or doubled: one version per acknowledged operation, and each
            // (client, seq) acknowledged once and present once in the operation log.
            let acked = agents.map { $0.snapshot?.acked ?? [] }
            let totalAcked = acked.reduce(0) { $0 + $1.count }
            #expect(Int64(totalAcked) == serverVersion - startVersion, "\(seedNote)")
            for (agent, seqs) in zip(agents, acked) {
                #expect(seqs == (0..<seqs.count).map { Int64($0 + 1) }, "\(agent.name) acks out of order")
                #expect(seqs.count == agent.sentCount, "\(agent.name): sent \(agent.sentCount), acked \(seqs.count)")
                #expect(seqs.count > 10, "\(agent.name) barely edited: \(seqs.count) operations")
            }
            try await observer.send(["type": "unsubscribe", "topic": "ticket:\(ticket)"])
            _ = try await observer.inbox.next("unsubscribed")
            let log = try await observer.subscribe("ticket:\(ticket)", from: startVersion, timeout: .seconds(15))
            #expect(log.type == "ops")
            let ops = log.json["ops"]?.array ?? []
            #expect(ops.map { $0["version"]?.int ?? -1 } == (0..<ops.count).map { startVersion + 1 + Int64($0) })
            #expect(ops.count == totalAcked)
            var pairs: Set<String> = []
            for op in ops {
                let pair = "\(op["client"]?.string ?? "?")#\(op["seq"]?.int ?? -1)"
                #expect(pairs.insert(pair).inserted, "\(pair) committed twice")
            }
            for (agent, seqs) in zip(agents, acked) {
                for seq in seqs { #expect(pairs.contains("\(agent.clientID)#\(seq)")) }
            }

            // The storm was concurrent: remote edits kept arriving while own edits were in flight.
            let conflicts = documents.map(\.conflicts)
            #expect(conflicts.allSatisfy { $0 > 0 }, "no concurrent edits: \(conflicts)")

            // Every marker inserted survives exactly once (only filler was ever deleted).
            let finalMarkers = RandomEdits.markers(in: draft) + RandomEdits.markers(in: description)
            let inserted = agents.flatMap(\.markers)
            #expect(!inserted.isEmpty)
            #expect(finalMarkers.sorted() == inserted.sorted(), "\(seedNote)")

            print(
                "co-editing storm (\(stormDuration), \(seedNote)): \(totalAcked) ops acked "
                    + "\(acked.map(\.count)), \(conflicts.reduce(0, +)) transformed against concurrent ops, \(inserted.count) markers, draft \(draft.unicodeScalars.count) "
                    + "and description \(description.unicodeScalars.count) scalars at v\(serverVersion)")
            for agent in agents { await agent.client?.close() }
            await observer.close()
        }
    }
}

/// Polls `condition` until it holds or `timeout` passes (then fails with `what`).
func eventually(
    _ what: String, timeout: Duration = .seconds(5), _ condition: () async throws -> Bool
) async throws {
    let deadline = ContinuousClock.now + timeout
    while try await !condition() {
        guard ContinuousClock.now < deadline else {
            Issue.record("timed out waiting until \(what)")
            throw InboxTimeout(what: what, seen: [])
        }
        try await Task.sleep(for: .milliseconds(10))
    }
}
