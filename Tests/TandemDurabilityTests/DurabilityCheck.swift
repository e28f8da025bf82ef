// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import Testing

/// The checks made against a restarted server: every acknowledged edit is there exactly
/// once, replaying the op log reproduces the text, resubscribing from a known version
/// returns exactly the missing operations, and resends are still recognised.
struct DurabilityCheck {
    let api: RestAPI
    let endpoint: LiveEndpoint
    let token: String
    let ticket: String
    var topic: String { "ticket:\(ticket)" }

    /// What the check measured.
    struct Report: CustomStringConvertible {
        var version: Int64 = 0
        var markers = 0
        /// Sent edits whose acknowledgement was lost with the server but which were durable.
        var committedUnacked = 0
        var catchUps = 0
        var duplicatesAcked = 0
        var staleRefused = 0
        /// Client texts compared with the replayed log.
        var samplesChecked = 0

        var description: String {
            "version \(version), \(markers) markers, \(committedUnacked) durable-but-unacked, "
                + "\(catchUps) catch-ups, \(duplicatesAcked) duplicate acks, \(staleRefused) stale refusals, \(samplesChecked) texts checked"
        }
    }

    func run(_ ledger: Ledger, latest: [ClientOutcome]) async throws -> Report {
        var report = Report()
        let before = try await api.ticket(ticket, token: token)
        let text = before.replyDraft ?? ""
        report.version = before.version

        // 1. Every acknowledged marker exactly once; nothing else in the text.
        let (counts, leftover) = Self.markers(in: text)
        report.markers = counts.values.reduce(0, +)
        #expect(leftover.isEmpty, "text outside markers: \(leftover.prefix(80))")
        let missing = ledger.acks.filter { counts[$0.marker] != 1 }.map { "\($0.marker)×\(counts[$0.marker] ?? 0)" }
        #expect(
            missing.isEmpty, "\(missing.count) of \(ledger.acks.count) acknowledged markers not there once: \(missing.prefix(5))")
        #expect(ledger.unacked.allSatisfy { (counts[$0.marker] ?? 0) <= 1 }, "an unacknowledged edit applied twice")
        let sent = Set(ledger.acks.map(\.marker) + ledger.unacked.map(\.marker))
        let unknown = counts.keys.filter { !sent.contains($0) }
        #expect(unknown.isEmpty, "markers nobody sent: \(unknown.prefix(5))")
        #expect(before.version >= ledger.highestAckedVersion, "server at \(before.version) < acked \(ledger.highestAckedVersion)")

        // 2. The whole op log, from version 0: contiguous, holding every ack at its version,
        //    and replaying to the same text (and to the texts clients held at their acks).
        let log = try await catchUp(from: 0, expectedVersion: before.version)
        var byVersion: [Int64: ServerFrame.Op] = [:]
        for op in log { byVersion[op.version] = op }
        let misplaced = ledger.acks.filter { byVersion[$0.version]?.client != $0.client || byVersion[$0.version]?.seq != $0.seq }
        #expect(misplaced.isEmpty, "acks not in the log at their version: \(misplaced.prefix(5))")
        report.committedUnacked = ledger.unacked.filter { counts[$0.marker] == 1 }.count
        var replayed: [Unicode.Scalar] = []
        var mismatched: [Int64] = []
        for op in log {
            if case .text(.replyDraft, let operation) = op.change {
                do { try operation.apply(to: &replayed) } catch { Issue.record("op \(op.version) does not replay: \(error)") }
            }
            if let texts = ledger.samples[op.version] {
                let expected = String(String.UnicodeScalarView(replayed))
                if texts.contains(where: { $0 != expected }) { mismatched.append(op.version) }
                report.samplesChecked += texts.count
            }
        }
        #expect(String(String.UnicodeScalarView(replayed)) == text, "replaying the op log does not give the stored text")
        #expect(mismatched.isEmpty, "clients' texts at versions \(mismatched.prefix(5)) differ from the replay")

        // 3. Each client of the last storm resubscribes from its last acknowledged version and
        //    resends its latest durable (client, seq): a duplicate, acknowledged with its version.
        for outcome in latest {
            guard let last = outcome.lastAck else { continue }
            let socket = LiveSocket(endpoint, token: token)
            let watchdog = Task {
                try? await Task.sleep(for: .seconds(15))
                socket.abort("timeout")
            }
            defer {
                watchdog.cancel()
                socket.close()
            }
            var reader = FrameReader(socket)
            socket.send(ClientFrame.subscribe(topic, from: last.version))
            let reply = await reader.next(["ops", "snapshot", "error"])
            #expect(reply?.type == "ops", "\(outcome.client) resubscribing from \(last.version): \(reply?.type ?? "closed")")
            let versions = reply?.ops?.map(\.version) ?? []
            #expect(reply?.v == before.version)
            #expect(
                versions == Array(stride(from: last.version + 1, through: before.version, by: 1)),
                "\(outcome.client) from \(last.version): got \(versions.first ?? -1)…\(versions.last ?? -1) (\(versions.count))")
            #expect(
                reply?.ops?.allSatisfy { byVersion[$0.version]?.client == $0.client && byVersion[$0.version]?.seq == $0.seq }
                    ?? false)
            if reply?.type == "ops" { report.catchUps += 1 }

            let durable = log.filter { $0.client == outcome.client }.compactMap { op in op.seq.map { ($0, op.version) } }
            guard let (seq, version) = durable.max(by: { $0.0 < $1.0 }) else { continue }
            socket.send(resend(outcome.client, seq: seq, on: before.version))
            let ack = await reader.next(["ack", "error"])
            #expect(
                ack?.type == "ack" && ack?.client == outcome.client && ack?.seq == seq && ack?.v == version,
                "resending \(outcome.client):\(seq) (version \(version)) got \(ack?.type ?? "closed") \(ack?.code ?? "") v\(ack?.v ?? -1)"
            )
            if ack?.type == "ack" { report.duplicatesAcked += 1 }
            if let first = outcome.acks.first, first.seq < seq {
                socket.send(resend(outcome.client, seq: first.seq, on: before.version))
                let refusal = await reader.next(["ack", "error"])
                #expect(
                    refusal?.code == "stale_sequence", "an old resend got \(refusal?.type ?? "closed") \(refusal?.code ?? "")")
                if refusal?.code == "stale_sequence" { report.staleRefused += 1 }
            }
        }

        // 4. None of that changed the ticket.
        let after = try await api.ticket(ticket, token: token)
        #expect(after.version == before.version, "resends changed the version")
        #expect(after.replyDraft == before.replyDraft, "resends changed the text")
        return report
    }

    /// A resend of (client, seq): if the server forgot it, it would insert a visible marker.
    private func resend(_ client: String, seq: Int64, on version: Int64) -> String {
        ClientFrame.draftEdit(topic, client: client, seq: seq, version: version, .inserting("[dup-\(client):\(seq)]", at: 0))
    }

    /// Subscribes from `version` and returns the operations of the `ops` reply.
    func catchUp(from version: Int64, expectedVersion: Int64) async throws -> [ServerFrame.Op] {
        let socket = LiveSocket(endpoint, token: token)
        let watchdog = Task {
            try? await Task.sleep(for: .seconds(20))
            socket.abort("timeout")
        }
        defer {
            watchdog.cancel()
            socket.close()
        }
        var reader = FrameReader(socket)
        socket.send(ClientFrame.subscribe(topic, from: version))
        let reply = await reader.next(["ops", "snapshot", "error"])
        #expect(reply?.type == "ops", "subscribing from \(version): \(reply?.type ?? "closed: \(reader.closeError ?? "")")")
        let ops = reply?.ops ?? []
        #expect(reply?.v == expectedVersion)
        #expect(
            ops.map(\.version) == Array(stride(from: version + 1, through: expectedVersion, by: 1)),
            "ops from \(version) are not exactly \(version + 1)…\(expectedVersion): \(ops.count) ops")
        return ops
    }

    /// Counts the `[client:seq]` markers in `text`; `leftover` is whatever is not a marker.
    static func markers(in text: String) -> (counts: [String: Int], leftover: String) {
        var counts: [String: Int] = [:]
        var leftover = ""
        var rest = Substring(text)
        while !rest.isEmpty {
            if rest.first == "[", let close = rest.firstIndex(of: "]"),
                !rest[rest.index(after: rest.startIndex)..<close].contains("[")
            {
                counts[String(rest[...close]), default: 0] += 1
                rest = rest[rest.index(after: close)...]
            } else {
                leftover.append(rest.removeFirst())
            }
        }
        return (counts, leftover)
    }
}
