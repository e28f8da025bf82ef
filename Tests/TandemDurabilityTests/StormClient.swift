// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// An acknowledged edit: the marker that client `client` inserted with `seq`, committed as `version`.
struct AckRecord: Sendable, Hashable {
    var client: String
    var seq: Int64
    var version: Int64
    var marker: String
}

/// What one storm client saw until its connection ended.
struct ClientOutcome: Sendable {
    var client: String
    var acks: [AckRecord] = []
    /// The edit sent but not acknowledged when the connection ended (it may or may not be durable).
    var unacked: AckRecord?
    /// Texts the client held right after some acknowledgements (version → text), for the replay check.
    var samples: [Int64: String] = [:]
    /// Remote operations received, and those received before the subscription's snapshot.
    var remoteOps = 0
    var opsBeforeSnapshot = 0
    /// Resends after a retryable error (rate_limited, unavailable).
    var resends = 0
    /// `resync` frames obeyed (a cluster node lost track, or the ticket moved): each time
    /// the client resubscribed from its version, as a real client does.
    var resyncs = 0
    /// Acknowledgements of an edit already known as committed (a resend after a resync).
    var duplicateAcks = 0
    /// Anything that broke the protocol's promises (gaps, unexpected frames, errors).
    var violations: [String] = []
    var closeCode: UInt16?
    var closeError: String?

    var lastAck: AckRecord? { acks.last }
}

/// One co-editor of the reply draft, ShareDB style: one edit in flight, each appending a
/// unique marker such as `[k0c2:17]` at the end of the text it knows. Remote operations
/// are transformed against the edit in flight, so the client's text stays exact.
struct StormClient {
    let client: String
    let topic: String
    let socket: LiveSocket
    /// Keep a text sample every this many acknowledgements.
    var sampleEvery = 16

    func run() async -> ClientOutcome {
        var outcome = ClientOutcome(client: client)
        var reader = FrameReader(socket)
        var text: [Unicode.Scalar] = []
        var version: Int64 = -1
        var early: [ServerFrame.Op] = []
        var seq: Int64 = 0
        var inflight: (seq: Int64, marker: String, operation: TextOperation)?
        var stopped = false
        /// Set between a `resync` and the reply to the resubscription it causes; the acks of
        /// our in-flight edit that arrive meanwhile wait here, in order with `early` ops.
        var resyncing = false
        var earlyAcks: [(seq: Int64, version: Int64)] = []
        /// The `ref` of the latest `subscribe`: only its reply counts (a resync can supersede one in flight).
        var subscribeRef = ""
        var subscriptions = 0

        func subscribe(from version: Int64?) {
            subscriptions += 1
            subscribeRef = "\(client)-s\(subscriptions)"
            socket.send(ClientFrame.subscribe(topic, from: version, ref: subscribeRef))
        }

        func send() {
            guard let pending = inflight else { return }
            socket.send(ClientFrame.draftEdit(topic, client: client, seq: pending.seq, version: version, pending.operation))
        }
        func next() {
            guard !stopped else { return }
            seq += 1
            let marker = "[\(client):\(seq)]"
            let operation = TextOperation.inserting(marker, at: text.count)
            try? operation.apply(to: &text)
            inflight = (seq, marker, operation)
            send()
        }
        func violation(_ what: String) {
            outcome.violations.append(what)
            stopped = true
        }
        func acknowledge(_ v: Int64) {
            guard let pending = inflight else { return }
            if v != version + 1 { violation("ack of version \(v) at version \(version)") }
            version = v
            inflight = nil
            outcome.acks.append(AckRecord(client: client, seq: pending.seq, version: v, marker: pending.marker))
            if outcome.acks.count % sampleEvery == 1 { outcome.samples[v] = String(String.UnicodeScalarView(text)) }
            next()
        }
        func receive(_ op: ServerFrame.Op) {
            guard op.version == version + 1 else {
                return violation("op \(op.version) arrived at version \(version)")
            }
            // Our own edit, met in a catch-up after a resync: it was committed, so it is acknowledged.
            if let pending = inflight, op.client == client, op.seq == pending.seq {
                return acknowledge(op.version)
            }
            version = op.version
            outcome.remoteOps += 1
            guard case .text(.replyDraft, var remote) = op.change else { return }
            if let pending = inflight {
                let transformed = pending.operation.transformed(against: remote, hasPriority: false)
                remote = remote.transformed(against: pending.operation, hasPriority: true)
                inflight = (pending.seq, pending.marker, transformed)
            }
            do { try remote.apply(to: &text) } catch { violation("op \(op.version) does not apply: \(error)") }
        }

        subscribe(from: nil)
        while let frame = await reader.next() {
            switch frame.type {
            case "snapshot":
                guard version < 0, let v = frame.v, let draft = frame.ticket?.replyDraft else {
                    violation("unexpected snapshot")
                    continue
                }
                version = v
                text = Array(draft.unicodeScalars)
                for op in early where op.version > v { receive(op) }
                early.removeAll()
                next()
            case "resync" where version >= 0:
                // The server lost track of what we have (a cluster node's relay gap, the ticket
                // moved to another node): resubscribe from our version, then resend what is in flight.
                // Also while a resubscription is on its way: its reply no longer counts.
                outcome.resyncs += 1
                resyncing = true
                subscribe(from: version)
            case "ops" where frame.ref != subscribeRef:
                continue  // the reply to a subscription that a later resync superseded
            case "ops" where resyncing:
                resyncing = false
                for op in frame.ops ?? [] where op.version > version { receive(op) }
                // Broadcasts and acks queued before the reply, in version order.
                var waiting =
                    early.map { ($0.version, $0 as ServerFrame.Op?, Int64?.none) }
                    + earlyAcks.map { ($0.version, ServerFrame.Op?.none, Optional($0.seq)) }
                waiting.sort { $0.0 < $1.0 }
                for (v, op, ackedSeq) in waiting where v > version {
                    if let op { receive(op) } else if ackedSeq == inflight?.seq { acknowledge(v) }
                }
                early.removeAll()
                earlyAcks.removeAll()
                send()
            case "op":
                guard let op = frame.op else { continue }
                if version < 0 || resyncing {
                    if version < 0 { outcome.opsBeforeSnapshot += 1 }
                    early.append(op)
                } else {
                    receive(op)
                }
            case "ack":
                if frame.client == client, let seq = frame.seq, let v = frame.v,
                    outcome.acks.contains(where: { $0.seq == seq && $0.version == v })
                {
                    outcome.duplicateAcks += 1  // a resend of an edit the catch-up already showed
                    continue
                }
                guard let pending = inflight, frame.seq == pending.seq, frame.client == client, let v = frame.v else {
                    violation("unexpected ack \(frame.client ?? "-"):\(frame.seq ?? -1)")
                    continue
                }
                if resyncing {
                    earlyAcks.append((pending.seq, v))
                } else {
                    acknowledge(v)
                }
            case "error" where frame.code == "rate_limited" || frame.code == "unavailable":
                outcome.resends += 1
                if resyncing {
                    // The resubscription itself was refused while the ticket changes hands: ask again.
                    try? await Task.sleep(for: .milliseconds(200))
                    subscribe(from: version)
                } else {
                    send()
                }
            case "error", "resync", "unsubscribed", "invalid":
                violation("\(frame.type) \(frame.code ?? frame.reason ?? ""): \(frame.message ?? "")")
            default:
                continue  // hello, presence, pong
            }
        }
        if let pending = inflight {
            outcome.unacked = AckRecord(client: client, seq: pending.seq, version: -1, marker: pending.marker)
        }
        outcome.closeCode = reader.closeCode
        outcome.closeError = reader.closeError
        return outcome
    }
}
