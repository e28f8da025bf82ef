// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// What one storm produced.
struct StormResult: Sendable {
    var clients: [ClientOutcome]
    var resubscriber: ResubscribeOutcome
}

/// Several ``StormClient``s editing one ticket at once, and a ``Resubscriber`` watching,
/// until the server goes away.
enum EditStorm {
    /// Starts one client per name and the resubscriber, lets them run for `duration`, runs
    /// `interrupt` (a kill or a shutdown), and returns what each saw once its connection ended.
    /// A connection still open `settle` after the interruption is ended by the test.
    static func run(
        port: Int, token: String, topic: String, clients: [String], for duration: Duration,
        then interrupt: () -> Void
    ) async -> StormResult {
        await run(
            endpoints: [.node(port: port)], watcher: .node(port: port), token: token, topic: topic, clients: clients,
            for: duration, then: interrupt)
    }

    /// As above, with client `i` connected to `endpoints[i % endpoints.count]` (nodes of a
    /// cluster, or nginx) and the resubscriber to `watcher`.
    static func run(
        endpoints: [LiveEndpoint], watcher: LiveEndpoint, token: String, topic: String, clients: [String],
        for duration: Duration, settle: Duration = .seconds(5), then interrupt: () async -> Void
    ) async -> StormResult {
        let sockets = clients.indices.map { LiveSocket(endpoints[$0 % endpoints.count], token: token) }
        let stopWatching = Resubscriber.Flag()
        async let watcher = Resubscriber(endpoint: watcher, token: token, topic: topic, stop: stopWatching).run()
        let outcomes = await withTaskGroup(of: ClientOutcome.self) { group in
            for (name, socket) in zip(clients, sockets) {
                group.addTask { await StormClient(client: name, topic: topic, socket: socket).run() }
            }
            try? await Task.sleep(for: duration)
            await interrupt()
            // A connection that does not end soon after the interruption is a failure, not a hang
            // (a client caught in its handshake when the server dies can wait forever).
            let watchdog = Task {
                try? await Task.sleep(for: settle)
                stopWatching.set()
                for socket in sockets { socket.abort("still open \(settle) after the interruption") }
            }
            var outcomes: [ClientOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            watchdog.cancel()
            stopWatching.set()
            return outcomes.sorted { $0.client < $1.client }
        }
        return StormResult(clients: outcomes, resubscriber: await watcher)
    }
}

/// Everything the storms of one test produced, across restarts.
struct Ledger {
    var acks: [AckRecord] = []
    var unacked: [AckRecord] = []
    /// Texts clients held at known versions; each must equal the op log replayed to that version.
    var samples: [Int64: [String]] = [:]

    mutating func add(_ storm: StormResult) {
        for outcome in storm.clients {
            acks += outcome.acks
            if let unacked = outcome.unacked { self.unacked.append(unacked) }
            for (version, text) in outcome.samples { samples[version, default: []].append(text) }
        }
        for (version, text) in storm.resubscriber.samples { samples[version, default: []].append(text) }
    }

    var highestAckedVersion: Int64 { acks.map(\.version).max() ?? 0 }
}
