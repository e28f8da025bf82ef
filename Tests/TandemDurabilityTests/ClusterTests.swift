// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing

/// A three-node cluster with real Redis, real nginx (TLS) and nx-27017, started by
/// `scripts/cluster`: co-editing across nodes, queues across nodes, presence and
/// revocation across nodes, and the nginx front.
@Suite(.serialized, .enabled(if: ClusterFixture.available), .timeLimit(.minutes(6)))
struct ClusterTests {
    /// Short leases, presence TTLs and call timeouts, so that failures are detected within a
    /// test's patience (a call relayed to a node that dies before answering waits for the call timeout).
    static let settings = [
        "cluster.leaseMilliseconds=3000", "cluster.presenceTTLMilliseconds=3000", "cluster.callTimeoutMilliseconds=2000",
    ]

    /// Agents on three different nodes (and a watcher through nginx) co-edit one reply draft:
    /// every acknowledged edit is in the ticket once, every client's text matched the op log,
    /// and catch-up through nginx is exact.
    @Test func agentsOnDifferentNodesCoEditOneTicketAndConverge() async throws {
        let cluster = try await ClusterFixture(settings: Self.settings)
        let ticket = try await cluster.api("n1").createTicket(token: cluster.token, subject: "Across nodes")
        let storm = await EditStorm.run(
            endpoints: cluster.nodeNames.map(cluster.endpoint), watcher: try cluster.nginx, token: cluster.token,
            topic: "ticket:\(ticket)", clients: ["a1", "a2", "a3", "a4", "a5", "a6"], for: .seconds(3),
            settle: .milliseconds(300)
        ) {}
        for outcome in storm.clients {
            #expect(outcome.violations.isEmpty, "\(outcome.client): \(outcome.violations.prefix(3))")
            #expect(outcome.acks.count > 5, "\(outcome.client) made no progress (\(outcome.acks.count) acks)")
        }
        #expect(storm.resubscriber.violations.isEmpty, "watcher: \(storm.resubscriber.violations.prefix(3))")
        var ledger = Ledger()
        ledger.add(storm)
        _ = try await cluster.settle(ticket: ticket, on: "n2")
        let check = DurabilityCheck(api: cluster.api("n2"), endpoint: try cluster.nginx, token: cluster.token, ticket: ticket)
        let report = try await check.run(ledger, latest: storm.clients)
        #expect(report.committedUnacked <= storm.clients.count)
        print("[cluster] co-edit: \(ledger.acks.count) acks from 3 nodes; \(report)")
    }

    /// A supervisor watching a team queue on one node sees a ticket filed on another.
    @Test func aQueueWatcherOnOneNodeSeesATicketFiledOnAnother() async throws {
        let cluster = try await ClusterFixture(settings: Self.settings)
        let team = try await cluster.api("n1").createTeam(token: cluster.token, name: "Billing")
        let socket = LiveSocket(cluster.endpoint("n3"), token: cluster.token)
        defer { socket.close() }
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(20))
            socket.abort("no queue update within 20 s")
        }
        defer { watchdog.cancel() }
        var reader = FrameReader(socket)
        socket.send(ClientFrame.subscribe("team:\(team)"))
        let snapshot = await reader.next(["queue", "error"])
        #expect(snapshot?.type == "queue", "subscribing to the queue on n3: \(snapshot?.code ?? reader.closeError ?? "closed")")
        let filed = ContinuousClock.now
        let ticket = try await cluster.api("n1").createTicket(token: cluster.token, subject: "Refund", team: team)
        let update = await reader.next(["queue_update"])
        #expect(update?.type == "queue_update", "no queue update on n3: \(reader.closeError ?? "")")
        #expect(update?.upsertID == ticket)
        print("[cluster] queue update crossed nodes in \(ContinuousClock.now - filed)")
    }

    /// A viewer on n2 is seen by an agent on n1, and disappears when n2 dies — on a ticket n1
    /// owns and on one n2 owned itself (no owner is left to say so: n1's relay does); a session
    /// revoked through n1 closes its socket on n3.
    @Test func presenceAndRevocationCrossNodes() async throws {
        let cluster = try await ClusterFixture(settings: Self.settings)
        let api = cluster.api("n1")
        let ticket = try await api.createTicket(token: cluster.token, subject: "Who is here")
        let owned = try await cluster.api("n2").createTicket(token: cluster.token, subject: "Who is here, on n2")
        _ = try await api.createUser(
            token: cluster.token, email: "bo@example.com", name: "Bo Agent", role: "agent", password: ClusterFixture.password)
        let bo = try await api.login(email: "bo@example.com", password: ClusterFixture.password)

        let watcher = LiveSocket(cluster.endpoint("n1"), token: cluster.token)
        let viewer = LiveSocket(cluster.endpoint("n2"), token: bo)
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(30))
            watcher.abort("timeout")
            viewer.abort("timeout")
        }
        defer {
            watchdog.cancel()
            watcher.close()
            viewer.close()
        }
        var watching = FrameReader(watcher)
        watcher.send(ClientFrame.subscribe("ticket:\(ticket)"))
        #expect(await watching.next(["snapshot", "error"])?.type == "snapshot")
        var viewing = FrameReader(viewer)
        viewer.send(ClientFrame.subscribe("ticket:\(ticket)"))
        #expect(await viewing.next(["snapshot", "error"])?.type == "snapshot")
        viewer.send(ClientFrame.presence("ticket:\(ticket)"))
        let seen = await watching.next(["presence"])
        #expect(seen?.presence?.name == "Bo Agent", "the agent on n1 should see Bo, who is on n2")
        let connection = seen?.presence?.connection ?? ""
        #expect(connection.hasPrefix("n2/"), "Bo's connection \(connection) should be on n2")
        // The second ticket: Bo subscribes first, through n2, so n2 owns it.
        viewer.send(ClientFrame.subscribe("ticket:\(owned)"))
        #expect(await viewing.next(["snapshot", "error"])?.type == "snapshot")
        viewer.send(ClientFrame.presence("ticket:\(owned)"))
        #expect(try await cluster.owner(ofTicket: owned) == "n2")
        watcher.send(ClientFrame.subscribe("ticket:\(owned)"))
        #expect(await watching.next(["snapshot", "error"])?.type == "snapshot")

        // Timed from before the kill: the figures include the script's own time (an upper bound).
        let killed = ContinuousClock.now
        try await cluster.kill("n2", signal: "KILL")
        var gone: [String: Duration] = [:]
        while gone.count < 2, let left = await watching.next(["presence_left"]) {
            #expect(left.connection == connection, "Bo's presence should end when n2 dies")
            gone[left.topic ?? "?"] = ContinuousClock.now - killed
        }
        let onOwner = gone["ticket:\(ticket)"], onDead = gone["ticket:\(owned)"]
        #expect(onOwner != nil && onDead != nil, "presence_left on both tickets: \(gone)")
        // The bound of CLUSTER.md: n2's heartbeat lapses at most a lease after it died, and the next
        // dead-node sweep (every second) sees it.
        for time in gone.values { #expect(time < .seconds(Self.failoverLeaseSeconds + 3)) }
        print(
            "[cluster] a dead node's viewer disappeared after \(onOwner ?? .zero) on a ticket another node owned, "
                + "\(onDead ?? .zero) on one the dead node owned (lease \(Self.failoverLeaseSeconds) s, sweep 1 s)")

        // Revocation: Bo's session, signed out through n1, ends Bo's socket on n3.
        let socket = LiveSocket(cluster.endpoint("n3"), token: bo)
        defer { socket.close() }
        var reading = FrameReader(socket)
        socket.send(ClientFrame.subscribe("ticket:\(ticket)"))
        #expect(await reading.next(["snapshot", "error"])?.type == "snapshot")
        let revoked = ContinuousClock.now
        try await api.logout(token: bo)
        while await reading.next() != nil {}
        #expect(
            reading.closeCode == 4001,
            "a revoked session's socket on another node should close with 4001, got \(reading.closeCode.map(String.init) ?? reading.closeError ?? "-")"
        )
        print("[cluster] revocation crossed nodes in \(ContinuousClock.now - revoked)")
    }

    /// Failed sign-ins are counted across the nodes (in Redis): guesses spread over three
    /// nodes lock the account on every node.
    @Test func signInThrottlingIsSharedByTheNodes() async throws {
        let cluster = try await ClusterFixture(
            settings: Self.settings + ["auth.maxFailedLoginsPerAccount=4", "auth.maxFailedLoginsPerAddress=1000"])
        let nodes = cluster.nodeNames
        for attempt in 0..<4 {
            let status = try await cluster.api(nodes[attempt % nodes.count])
                .loginStatus(email: ClusterFixture.email, password: "not-the-password-\(attempt)")
            #expect(status == 401, "guess \(attempt + 1) on \(nodes[attempt % nodes.count]) answered \(status)")
        }
        for node in nodes {
            let status = try await cluster.api(node).loginStatus(email: ClusterFixture.email, password: ClusterFixture.password)
            #expect(status == 429, "after 4 guesses spread over the cluster, \(node) should refuse the account (got \(status))")
        }
    }

    /// nginx terminates TLS, redirects plain HTTP, serves the web client and its routes,
    /// hides the metrics, and answers for a dead node with the next one.
    @Test func nginxTerminatesTLSAndBalancesOverLiveNodes() async throws {
        let cluster = try await ClusterFixture(settings: Self.settings)
        let base = "https://127.0.0.1:\(cluster.nginxPort)"
        let health = try await Curl.get(base + "/healthz", ca: cluster.certificate)
        #expect(health.status == 200)
        let redirect = try await Curl.get("http://127.0.0.1:\(cluster.nginxHTTPPort)/tickets", ca: nil)
        #expect(redirect.status == 308)
        #expect(redirect.headers["location"] == "https://127.0.0.1:\(cluster.nginxPort)/tickets")
        #expect(try await Curl.get(base + "/metrics", ca: cluster.certificate).status == 404)
        let app = try await Curl.get(base + "/tickets/tkt_client_route", ca: cluster.certificate)
        #expect(
            app.status == 200 && app.body.contains("<html"),
            "a client-side route should get the app (got \(app.status): \(app.body.prefix(200)))")
        // The browser security headers, once each, on what nginx serves itself (the app, its 404)
        // and on what a node answers through it.
        let me = try await Curl.get(base + "/api/v1/auth/me", ca: cluster.certificate)
        let metrics = try await Curl.get(base + "/metrics", ca: cluster.certificate)
        for (what, response) in [("the app", app), ("/healthz", health), ("an API 401", me), ("/metrics", metrics)] {
            #expect(
                response.headers["content-security-policy"]?.contains("frame-ancestors 'none'") == true,
                "\(what): \(response.headers)")
            #expect(response.headers["content-security-policy"]?.contains("unsafe-inline") == false, "\(what)")
            #expect(response.headers["x-content-type-options"] == "nosniff", "\(what)")
            #expect(response.headers["x-frame-options"] == "DENY", "\(what)")
            #expect(response.headers["referrer-policy"] == "same-origin", "\(what)")
            #expect(response.headers["strict-transport-security"] != nil, "\(what)")
            #expect(response.repeated.isEmpty, "\(what): repeated \(response.repeated)")
        }
        // Sign-in routes are rate limited per client address (Config/nginx.conf: a burst of 20, then
        // @AUTH_RATE@ a minute): a burst of refreshes past it gets nginx's own JSON 429.
        let burst = try await Curl.postBurst(
            base + "/api/v1/auth/refresh", body: #"{"refreshToken":"not-a-token"}"#, count: 100, ca: cluster.certificate)
        #expect(burst.count == 100, "\(burst.count) answers")
        let limited = burst.filter { $0.status == 429 }
        #expect(!limited.isEmpty, "no 429 in \(Set(burst.map(\.status)))")
        #expect(limited.allSatisfy { $0.body.contains(#""code":"rate_limited""#) }, "\(limited.first?.body ?? "")")
        #expect(burst.allSatisfy { $0.status == 429 || $0.status == 401 }, "\(Set(burst.map(\.status)))")
        // Two nodes down: every request still answered by the third.
        try await cluster.kill("n1")
        try await cluster.kill("n2")
        for _ in 0..<6 {
            let me = try await Curl.get(base + "/api/v1/auth/me", ca: cluster.certificate, bearer: cluster.token)
            #expect(me.status == 200, "with n3 alive, /auth/me answered \(me.status): \(me.body.prefix(200))")
        }
    }
}

extension ServerFrame {
    /// The ticket id of a `queue_update` that upserts a ticket.
    var upsertID: String? { update?.upsert?.id }
}
