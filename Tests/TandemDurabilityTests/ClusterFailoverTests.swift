// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing

/// Failures of a three-node cluster during an edit storm: the ticket's owner killed with
/// SIGKILL (five times), Redis restarted, MongoDB stopped for a while. After each, every
/// acknowledged edit is in the ticket exactly once and clients saw no gap or repeat.
/// (Part of ``ClusterTests``, so that only one cluster runs at a time.)
extension ClusterTests {
    static let failoverLeaseSeconds = 3
    static let failoverRounds = 5

    /// Six clients: one on each node directly and three through nginx.
    private static func stormEndpoints(_ cluster: ClusterFixture) throws -> [LiveEndpoint] {
        let nginx = try cluster.nginx
        return cluster.nodeNames.map(cluster.endpoint) + [nginx, nginx, nginx]
    }

    @Test func killingTheOwnerMidStormLosesAndDoublesNothing() async throws {
        let cluster = try await ClusterFixture(settings: Self.settings)
        let ticket = try await cluster.api("n1").createTicket(token: cluster.token, subject: "Failover")
        var ledger = Ledger()
        for round in 1...Self.failoverRounds {
            let failover = Mutex<(node: String, version: Int64, takeover: Duration)?>(nil)
            let storm = await EditStorm.run(
                endpoints: try Self.stormEndpoints(cluster), watcher: try cluster.nginx, token: cluster.token,
                topic: "ticket:\(ticket)", clients: (1...6).map { "r\(round)c\($0)" },
                for: .milliseconds(1_500 + Int.random(in: 0...800)), settle: .seconds(8)
            ) {
                do {
                    guard let owner = try await cluster.owner(ofTicket: ticket) else {
                        Issue.record("round \(round): nobody holds the ticket's lease mid-storm")
                        return
                    }
                    // Timed from before the kill: the figure includes the script's own time (an upper bound).
                    let killed = ContinuousClock.now
                    try await cluster.kill(owner, signal: "KILL")
                    let survivor = cluster.nodeNames.first { $0 != owner } ?? "n1"
                    let state = try await Self.waitForService(cluster.api(survivor), ticket: ticket, token: cluster.token)
                    failover.withLock { $0 = (owner, state.version, ContinuousClock.now - killed) }
                } catch {
                    Issue.record("round \(round): \(error)")
                }
            }
            let (owner, versionAtTakeover, takeover) = try #require(failover.withLock { $0 })
            #expect(
                takeover < .seconds(Self.failoverLeaseSeconds + 3),
                "round \(round): \(owner)'s ticket was served again only after \(takeover) (lease \(Self.failoverLeaseSeconds) s)"
            )
            for outcome in storm.clients {
                #expect(outcome.violations.isEmpty, "round \(round) \(outcome.client): \(outcome.violations.prefix(3))")
            }
            #expect(storm.resubscriber.violations.isEmpty, "round \(round) watcher: \(storm.resubscriber.violations.prefix(3))")
            let afterTakeover = storm.clients.flatMap(\.acks).filter { $0.version > versionAtTakeover }.count
            #expect(afterTakeover > 0, "round \(round): no edit was acknowledged after the takeover")
            ledger.add(storm)

            try await cluster.start(owner)
            let survivor = cluster.nodeNames.first { $0 != owner } ?? "n1"
            _ = try await cluster.settle(ticket: ticket, on: survivor)
            let check = DurabilityCheck(
                api: cluster.api(survivor), endpoint: try cluster.nginx, token: cluster.token, ticket: ticket)
            let report = try await check.run(ledger, latest: storm.clients)
            let (lost, doubled) = try await Self.count(ledger, ticket: ticket, api: cluster.api(survivor), token: cluster.token)
            #expect(lost == 0 && doubled == 0)
            print(
                "[cluster] failover \(round): killed owner \(owner); a survivor answered for the ticket after \(takeover); "
                    + "\(ledger.acks.count) acks in all, \(afterTakeover) after the takeover; lost \(lost), doubled \(doubled); "
                    + "\(report); watcher retried \(storm.resubscriber.retries)×; clients: "
                    + storm.clients.map {
                        "\($0.client) \($0.acks.count) acks (last v\($0.lastAck?.version ?? -1)), \($0.resends) resends, "
                            + "\($0.resyncs) resyncs, \($0.duplicateAcks) dup acks, end \($0.closeCode.map(String.init) ?? $0.closeError ?? "-")"
                    }.joined(separator: "; "))
        }
    }

    /// Redis restarts empty (no persistence) three times mid-storm, each time for a moment, so
    /// that the owner still holds the ticket by its clock when Redis is back; every node then
    /// asks for the ticket at once, as relayed clients do. No client is told `future_version`
    /// (a violation in ``StormClient``) or loses a pending edit; nothing acknowledged is lost or doubled.
    @Test func aRedisRestartLosesNothing() async throws {
        let cluster = try await ClusterFixture(settings: Self.settings)
        let ticket = try await cluster.api("n1").createTicket(token: cluster.token, subject: "Redis restart")
        _ = try await cluster.api("n1").ticket(ticket, token: cluster.token)
        let owner = try #require(try await cluster.owner(ofTicket: ticket))
        let others = cluster.nodeNames.filter { $0 != owner }
        // The editors on the owner, whose state runs ahead of any copy loaded from the store
        // while Redis is away; the watcher through nginx. (Editors on other nodes would fence a
        // second activation at their first edit and hide the defect this test is for.)
        let storm = await EditStorm.run(
            endpoints: [cluster.endpoint(owner)], watcher: try cluster.nginx, token: cluster.token,
            topic: "ticket:\(ticket)", clients: (1...6).map { "redis\($0)" }, for: .milliseconds(1_500), settle: .seconds(10)
        ) {
            do {
                for _ in 1...3 {
                    try await cluster.service("redis", "stop")
                    try await Task.sleep(for: .milliseconds(300))
                    try await cluster.service("redis", "start")
                    await withTaskGroup(of: Void.self) { group in
                        for node in others {
                            group.addTask { _ = try? await cluster.api(node).ticket(ticket, token: cluster.token) }
                        }
                    }
                    try await Task.sleep(for: .milliseconds(1_500))
                }
            } catch {
                Issue.record("restarting Redis: \(error)")
            }
        }
        try await Self.expectNothingLost(storm, cluster: cluster, ticket: ticket, what: "Redis restart")
    }

    /// A node restarts. A client on a node that talked to its previous run subscribes to a ticket the
    /// new run owns: the subscription is answered once (no `unavailable` after the snapshot for the
    /// same `ref`) and holds the topic (the edit that follows is acknowledged, not `not_subscribed`).
    @Test func aSubscribeRelayedToARestartedNodeKeepsItsTopic() async throws {
        let cluster = try await ClusterFixture(settings: Self.settings)
        let ticket = try await cluster.api("n2").createTicket(token: cluster.token, subject: "Restarted owner")
        _ = try await cluster.api("n2").ticket(ticket, token: cluster.token)
        #expect(try await cluster.owner(ofTicket: ticket) == "n2")
        // n1 hears from n2's first run: a client on n1 subscribes through it, then leaves.
        do {
            let socket = LiveSocket(cluster.endpoint("n1"), token: cluster.token)
            defer { socket.close() }
            var reader = FrameReader(socket)
            socket.send(ClientFrame.subscribe("ticket:\(ticket)", ref: "s0"))
            #expect(await reader.next(["snapshot", "error"])?.type == "snapshot")
        }
        try await cluster.kill("n2")
        try await cluster.start("n2")
        // The new run takes its previous run's lease at once.
        _ = try await Self.waitForService(cluster.api("n2"), ticket: ticket, token: cluster.token)
        #expect(try await cluster.owner(ofTicket: ticket) == "n2")

        let socket = LiveSocket(cluster.endpoint("n1"), token: cluster.token)
        defer { socket.close() }
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(20))
            socket.abort("no answer within 20 s")
        }
        defer { watchdog.cancel() }
        var reader = FrameReader(socket)
        socket.send(ClientFrame.subscribe("ticket:\(ticket)", ref: "s1"))
        let reply = await reader.next(["snapshot", "error"])
        #expect(reply?.type == "snapshot" && reply?.ref == "s1", "the reply: \(reply?.code ?? reply?.type ?? "closed")")
        socket.send(
            ClientFrame.draftEdit(
                "ticket:\(ticket)", client: "restart", seq: 1, version: reply?.v ?? 0, .inserting("kept", at: 0)))
        let answer = await reader.next(["ack", "error"])
        #expect(
            answer?.type == "ack", "after the snapshot: \(answer?.type ?? "closed") \(answer?.code ?? "") \(answer?.ref ?? "")")
    }

    /// The database stops for three seconds mid-storm: writes fail with clear errors (readiness
    /// reports it), nothing acknowledged is lost, and edits are acknowledged again afterwards.
    @Test func aMongoOutageFailsClearlyAndResumes() async throws {
        let cluster = try await ClusterFixture(settings: Self.settings)
        let ticket = try await cluster.api("n1").createTicket(token: cluster.token, subject: "Database outage")
        let readiness = Mutex<Int?>(nil)
        let storm = await EditStorm.run(
            endpoints: try Self.stormEndpoints(cluster), watcher: try cluster.nginx, token: cluster.token,
            topic: "ticket:\(ticket)", clients: (1...6).map { "mongo\($0)" }, for: .milliseconds(1_500), settle: .seconds(10)
        ) {
            do {
                try await cluster.service("mongo", "stop")
                try await Task.sleep(for: .seconds(1))
                let ready = try await Curl.get("http://127.0.0.1:\(cluster.nodes["n1"] ?? 0)/readyz", ca: nil)
                readiness.withLock { $0 = ready.status }
                try await Task.sleep(for: .seconds(2))
                try await cluster.service("mongo", "start")
            } catch {
                Issue.record("stopping the database: \(error)")
            }
        }
        #expect(readiness.withLock { $0 } == 503, "/readyz should report the database down")
        try await Self.expectNothingLost(storm, cluster: cluster, ticket: ticket, what: "database outage")
    }

    // MARK: - Helpers

    private static func expectNothingLost(
        _ storm: StormResult, cluster: ClusterFixture, ticket: String, what: String
    )
        async throws
    {
        for outcome in storm.clients {
            #expect(outcome.violations.isEmpty, "\(what) \(outcome.client): \(outcome.violations.prefix(3))")
            #expect(!outcome.acks.isEmpty, "\(what): \(outcome.client) got no acknowledgement")
        }
        #expect(storm.resubscriber.violations.isEmpty, "\(what) watcher: \(storm.resubscriber.violations.prefix(3))")
        var ledger = Ledger()
        ledger.add(storm)
        let state = try await waitForService(cluster.api("n2"), ticket: ticket, token: cluster.token)
        _ = try await cluster.settle(ticket: ticket, on: "n2")
        // Service resumed: edits were acknowledged after the failure (the storm ran on through it).
        let resends = storm.clients.map(\.resends).reduce(0, +)
        let check = DurabilityCheck(api: cluster.api("n2"), endpoint: try cluster.nginx, token: cluster.token, ticket: ticket)
        let report = try await check.run(ledger, latest: storm.clients)
        let (lost, doubled) = try await count(ledger, ticket: ticket, api: cluster.api("n2"), token: cluster.token)
        #expect(lost == 0 && doubled == 0)
        print(
            "[cluster] \(what): \(ledger.acks.count) acks, \(resends) resends after retryable errors, version \(state.version); "
                + "lost \(lost), doubled \(doubled); \(report)")
    }

    /// Polls the ticket through `api` until it answers (a node has taken the ticket over).
    private static func waitForService(_ api: RestAPI, ticket: String, token: String) async throws -> RestAPI.TicketState {
        let deadline = ContinuousClock.now + .seconds(30)
        var lastError: (any Error)?
        while ContinuousClock.now < deadline {
            do {
                return try await api.ticket(ticket, token: token)
            } catch {
                lastError = error
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        throw ServerProcessError(description: "the ticket was not served again within 30 s: \(lastError.map { "\($0)" } ?? "")")
    }

    /// Acknowledged edits missing from the ticket, and edits present more than once.
    private static func count(_ ledger: Ledger, ticket: String, api: RestAPI, token: String) async throws -> (Int, Int) {
        let text = try await api.ticket(ticket, token: token).replyDraft ?? ""
        let counts = DurabilityCheck.markers(in: text).counts
        let lost = ledger.acks.filter { counts[$0.marker] == nil }.count
        let doubled = counts.values.filter { $0 > 1 }.count
        return (lost, doubled)
    }
}
