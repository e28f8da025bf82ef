//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

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
    static func run(
        port: Int, token: String, topic: String, clients: [String], for duration: Duration,
        then interrupt: () -> Void
    ) async -> StormResult {
        let sockets = clients.map { _ in LiveSocket(port: port, token: token) }
        async let watcher = Resubscriber(port: port, token: token, topic: topic).run()
        let outcomes = await withTaskGroup(of: ClientOutcome.self) { group in
            for (name, socket) in zip(clients, sockets) {
                group.addTask { await StormClient(client: name, topic: topic, socket: socket).run() }
            }
            try? await Task.sleep(for: duration)
            interrupt()
            // A connection that does not end soon after the interruption is a failure, not a hang
            // (a client caught in its handshake when the server dies can wait forever).
            let watchdog = Task {
                try? await Task.sleep(for: .seconds(5))
                for socket in sockets { socket.abort("still open 5 s after the interruption") }
            }
            var outcomes: [ClientOutcome] = []
            for await outcome in group { outcomes.append(outcome) }
            watchdog.cancel()
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
