// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Synchronization
import Testing

/// `kill -9` during an edit storm loses no acknowledged operation, and `SIGTERM` drains.
///
/// Runs the built `tandem` binary as a child process on a temporary store; four
/// WebSocket clients append unique markers to one ticket's reply draft, one edit in flight
/// each, while a fifth connection keeps dropping and resubscribing from its last version.
@Suite(.serialized, .timeLimit(.minutes(2))) struct KillDuringStormTests {
    static let clientsPerStorm = 4

    /// Three storms, each ended by SIGKILL at a different moment; after each restart every
    /// acknowledged edit is in the ticket exactly once, catch-up from any client's last
    /// acknowledged version is exact, and resends are recognised as duplicates.
    /// Runs on SQLite and on MongoDB (nx-27017).
    @Test(arguments: DurabilityStore.available)
    func sigkillDuringAnEditStormLosesNoAcknowledgedOperation(_ store: DurabilityStore) async throws {
        let started = ContinuousClock.now
        let fixture = try await DurabilityFixture(store)
        var ledger = Ledger()
        var catchUps = 0
        let stormLengths: [Duration] = [.milliseconds(1_500), .milliseconds(2_300), .milliseconds(1_900)]
        for (cycle, length) in stormLengths.enumerated() {
            let server = fixture.server
            let storm = await EditStorm.run(
                port: fixture.port, token: fixture.token, topic: "ticket:\(fixture.ticket)",
                clients: (0..<Self.clientsPerStorm).map { "k\(cycle)c\($0)" },
                for: length + .milliseconds(Int.random(in: 0...400))
            ) {
                server.kill(SIGKILL)
            }
            _ = await server.waitForExit(timeout: .seconds(10))
            #expect(server.endedBySignal, "the server should have died of SIGKILL")
            Self.expectClean(storm)
            ledger.add(storm)
            catchUps += storm.resubscriber.catchUps

            try await fixture.restart()
            let report = try await fixture.check.run(ledger, latest: storm.clients)
            print(
                "[durability] \(store) kill \(cycle + 1): \(storm.clients.map(\.acks.count).reduce(0, +)) acks this storm, "
                    + "\(ledger.acks.count) in all; \(report); watcher: \(Self.describe(storm.resubscriber))")
        }
        fixture.server.kill(SIGTERM)
        #expect(await fixture.server.waitForExit(timeout: .seconds(10)) == 0)
        #expect(ledger.acks.count >= 3 * Self.clientsPerStorm, "the storms should have made progress")
        // Per storm it can be zero on a loaded machine (a short storm, a slow first subscription).
        #expect(catchUps > 0, "the resubscriber never caught up in any storm")
        print("[durability] \(store) SIGKILL test took \(ContinuousClock.now - started)")
    }

    /// SIGTERM mid-storm: the server closes every connection with a close frame, exits 0,
    /// and after a restart nothing acknowledged is missing.
    @Test func sigtermDuringAnEditStormDrainsAndExitsZero() async throws {
        let started = ContinuousClock.now
        let fixture = try await DurabilityFixture()
        let server = fixture.server
        let terminated = Mutex<ContinuousClock.Instant?>(nil)
        let storm = await EditStorm.run(
            port: fixture.port, token: fixture.token, topic: "ticket:\(fixture.ticket)",
            clients: (0..<Self.clientsPerStorm).map { "t0c\($0)" }, for: .milliseconds(1_500)
        ) {
            terminated.withLock { $0 = .now }
            server.kill(SIGTERM)
        }
        let status = await server.waitForExit(timeout: .seconds(20))
        let drain = terminated.withLock { $0 }.map { ContinuousClock.now - $0 }
        #expect(status == 0 && !server.endedBySignal, "SIGTERM should drain and exit 0:\n\(server.output.suffix(2_000))")
        #expect(server.output.contains("closing the store"))
        let codes = storm.clients.map(\.closeCode)
        #expect(
            codes.allSatisfy { $0 == 1000 || $0 == 1001 },
            "every connection should end with a close frame: \(storm.clients.map { "\($0.closeCode ?? 0) \($0.closeError ?? "")" })"
        )
        withKnownIssue(
            "PROTOCOL.md §11: during shutdown the close code may be 1000 (swift-websocket closes first)",
            isIntermittent: true
        ) {
            #expect(codes.allSatisfy { $0 == 1001 }, "close codes \(codes)")
        }
        Self.expectClean(storm)
        var ledger = Ledger()
        ledger.add(storm)

        try await fixture.restart()
        let report = try await fixture.check.run(ledger, latest: storm.clients)
        // Each connection takes no new edit once the shutdown starts and waits for the one being
        // committed: every durable edit was acknowledged before the close.
        #expect(report.committedUnacked == 0, "\(report.committedUnacked) edits durable but never acknowledged")
        fixture.server.kill(SIGTERM)
        _ = await fixture.server.waitForExit(timeout: .seconds(10))
        print(
            "[durability] SIGTERM: \(ledger.acks.count) acks, exit \(status.map(String.init) ?? "none") "
                + "\(drain.map { "\($0)" } ?? "?") after SIGTERM, close codes \(codes.map { $0.map(String.init) ?? "-" }); "
                + "\(report); watcher: \(Self.describe(storm.resubscriber)); took \(ContinuousClock.now - started)")
    }

    /// Each client kept to the protocol until its connection ended, and made progress.
    private static func expectClean(_ storm: StormResult) {
        for outcome in storm.clients {
            #expect(outcome.violations.isEmpty, "\(outcome.client): \(outcome.violations.prefix(5))")
            #expect(
                !outcome.acks.isEmpty,
                "\(outcome.client) got no acknowledgement (closed: \(outcome.closeCode.map(String.init) ?? "-") \(outcome.closeError ?? ""))"
            )
            #expect(
                outcome.opsBeforeSnapshot == 0, "\(outcome.client) got \(outcome.opsBeforeSnapshot) op(s) before its snapshot")
        }
        let watcher = storm.resubscriber
        #expect(watcher.violations.isEmpty, "resubscriber: \(watcher.violations.prefix(3))")
        #expect(watcher.opsBeforeReply == 0, "\(watcher.opsBeforeReply) broadcast op(s) arrived before a subscription's reply")
    }

    private static func describe(_ watcher: ResubscribeOutcome) -> String {
        "\(watcher.catchUps) resubscriptions caught up \(watcher.caughtUpOps) ops, \(watcher.opsBeforeReply) ops before a reply"
    }
}
