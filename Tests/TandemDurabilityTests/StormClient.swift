//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

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
        func receive(_ op: ServerFrame.Op) {
            guard op.version == version + 1 else {
                return violation("op \(op.version) arrived at version \(version)")
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

        socket.send(ClientFrame.subscribe(topic))
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
            case "op":
                guard let op = frame.op else { continue }
                if version < 0 {
                    outcome.opsBeforeSnapshot += 1
                    early.append(op)
                } else {
                    receive(op)
                }
            case "ack":
                guard let pending = inflight, frame.seq == pending.seq, frame.client == client, let v = frame.v else {
                    violation("unexpected ack \(frame.client ?? "-"):\(frame.seq ?? -1)")
                    continue
                }
                if v != version + 1 { violation("ack of version \(v) at version \(version)") }
                version = v
                inflight = nil
                outcome.acks.append(AckRecord(client: client, seq: pending.seq, version: v, marker: pending.marker))
                if outcome.acks.count % sampleEvery == 1 { outcome.samples[v] = String(String.UnicodeScalarView(text)) }
                next()
            case "error" where frame.code == "rate_limited" || frame.code == "unavailable":
                outcome.resends += 1
                send()
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
