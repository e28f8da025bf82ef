// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import TandemCore
import TandemTestSupport

/// One agent's editor in a co-editing storm: a ``CollaborativeText`` fed by its
/// connection's frames, making random edits of a ticket's texts.
final class EditingAgent: Sendable {
    let name: String
    let clientID: String
    let ticket: String
    private let document = Mutex<CollaborativeText?>(nil)
    private let log = Mutex<(problems: [String], markers: [String], sent: Int, rng: SplitMix64)>(([], [], 0, SplitMix64(seed: 0)))
    private let connection = Mutex<LiveTestClient?>(nil)
    let seed: UInt64

    init(name: String, ticket: String, seed: UInt64) {
        self.name = name
        self.clientID = "\(name)-\(UInt32.random(in: 0...UInt32.max))"
        self.ticket = ticket
        self.seed = seed
        log.withLock { $0.rng = SplitMix64(seed: seed) }
    }

    var topic: String { "ticket:\(ticket)" }
    var client: LiveTestClient? { connection.withLock { $0 } }
    var snapshot: CollaborativeText? { document.withLock { $0 } }
    var problems: [String] { log.withLock { $0.problems } + (snapshot?.anomalies ?? []) }
    var markers: [String] { log.withLock { $0.markers } }
    var sentCount: Int { log.withLock { $0.sent } }

    /// Connects, subscribes and waits for the snapshot.
    func start(server: LiveServer, as person: Person) async throws {
        let client = try await LiveTestClient.connectAndGreet(port: server.port, token: person.token, name: name) {
            [self] message, client in await self.handle(message, client)
        }
        connection.withLock { $0 = client }
        let reply = try await client.subscribe(topic)
        guard reply.type == "snapshot" else { throw InboxTimeout(what: "snapshot, got \(reply)", seen: []) }
        let deadline = ContinuousClock.now + .seconds(5)
        while snapshot == nil && ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
    }

    /// Handles one frame, in arrival order, on the connection's reading task.
    private func handle(_ message: ServerMessage, _ client: LiveTestClient) async {
        guard message.topic == topic || message.type == "error" else { return }
        switch message.type {
        case "snapshot":
            let ticket = message.json["ticket"]
            document.withLock {
                $0 = CollaborativeText(
                    client: clientID, version: message.json["v"]?.int ?? -1,
                    texts: [
                        .replyDraft: ticket?["replyDraft"]?.string ?? "",
                        .description: ticket?["description"]?.string ?? "",
                    ])
            }
        case "op":
            guard let op = try? JSONDecoder().decode(OpEnvelope.self, from: Data(message.text.utf8)).op else {
                record("undecodable op frame \(message)")
                return
            }
            if op.client == clientID { record("own op v\(op.version) broadcast back to its sender") }
            let edit: CollaborativeText.Edit? =
                if case .text(let field, let operation) = op.change { .init(field: field, operation: operation) } else { nil }
            document.withLock { $0?.received(edit, version: op.version) }
        case "ack":
            guard message.json["client"]?.string == clientID, let version = message.json["v"]?.int else {
                record("foreign ack \(message)")
                return
            }
            let next = document.withLock { $0?.acknowledged(version: version, seq: message.json["seq"]?.int) }
            if let next { await send(next, client) }
        default:
            record("unexpected \(message)")
        }
    }

    private struct OpEnvelope: Decodable { var op: TicketOp }

    private func send(_ outgoing: CollaborativeText.Outgoing, _ client: LiveTestClient) async {
        log.withLock { $0.sent += 1 }
        do {
            try await client.send(outgoing.frame(ticket: ticket, client: clientID))
        } catch {
            record("send failed: \(error)")
        }
    }

    private func record(_ problem: String) {
        log.withLock { $0.problems.append("\(name): \(problem)") }
    }

    /// Makes one random edit of a random field (mostly the reply draft) and sends it if it may.
    func editOnce() async {
        guard let client else { return }
        var rng = log.withLock { $0.rng }
        let field: TextField = Int.random(in: 0..<10, using: &rng) < 7 ? .replyDraft : .description
        var marker: String?
        let outgoing: CollaborativeText.Outgoing? = document.withLock { document in
            guard var current = document else { return nil }
            let (operation, made) = RandomEdits.make(current.scalars(field), using: &rng) {
                "⟦\(name)·\(markers.count + 1)·👍🏽é漢⟧"
            }
            marker = made
            do {
                let next = try current.edit(field, operation)
                document = current
                return next
            } catch {
                record("local edit \(operation) failed: \(error)")
                return nil
            }
        }
        log.withLock {
            $0.rng = rng
            if let marker { $0.markers.append(marker) }
        }
        if let outgoing { await send(outgoing, client) }
    }

    /// Edits at random intervals until `deadline`.
    func storm(until deadline: ContinuousClock.Instant) async throws {
        while ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...8)))
            await editOnce()
        }
    }
}
