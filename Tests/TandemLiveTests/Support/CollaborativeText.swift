// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore

/// A ShareDB-style client of a ticket's collaborative texts.
///
/// Local edits apply at once. At most one operation is in flight; later edits wait in
/// a pending buffer (consecutive edits of the same field are composed). On `ack` the
/// in-flight operation is done and the first pending one is sent. On a remote `op` the
/// in-flight and pending operations are transformed against it, the server-ordered
/// operation having priority (`transformed(against:hasPriority: false)`), and the remote
/// operation, transformed past them, is applied to the local text.
///
/// All fields share the ticket's version: every committed change (of any field, or a
/// non-text change) moves it by one.
struct CollaborativeText: Sendable {
    struct Edit: Sendable {
        var field: TextField
        var operation: TextOperation
    }

    /// An operation to send now.
    struct Outgoing: Sendable {
        var edit: Edit
        var seq: Int64
        var version: Int64
    }

    let client: String
    private(set) var texts: [TextField: [Unicode.Scalar]]
    /// The server version this client has caught up with.
    private(set) var version: Int64
    private(set) var inflight: Outgoing?
    private(set) var pending: [Edit] = []
    private(set) var nextSeq: Int64 = 1
    /// Sequence numbers acknowledged, in order, and anything that broke the protocol's promises.
    private(set) var acked: [Int64] = []
    private(set) var anomalies: [String] = []
    /// Remote operations that arrived while an own edit of the same field was in flight or
    /// pending: the concurrent cases that needed transformation.
    private(set) var conflicts = 0

    init(client: String, version: Int64, texts: [TextField: String]) {
        self.client = client
        self.version = version
        self.texts = texts.mapValues { Array($0.unicodeScalars) }
    }

    func text(_ field: TextField) -> String {
        var result = String.UnicodeScalarView()
        result.append(contentsOf: texts[field] ?? [])
        return String(result)
    }

    func scalars(_ field: TextField) -> [Unicode.Scalar] { texts[field] ?? [] }

    /// Nothing in flight and nothing pending.
    var isSettled: Bool { inflight == nil && pending.isEmpty }

    /// Applies a local edit; returns the operation to send when nothing was in flight.
    mutating func edit(_ field: TextField, _ operation: TextOperation) throws -> Outgoing? {
        var text = texts[field] ?? []
        try operation.apply(to: &text)
        texts[field] = text
        if let last = pending.last, last.field == field {
            pending[pending.count - 1].operation = last.operation.composed(with: operation)
        } else {
            pending.append(Edit(field: field, operation: operation))
        }
        return flush()
    }

    /// The server acknowledged our in-flight operation at `version`.
    mutating func acknowledged(version acked: Int64, seq: Int64?) -> Outgoing? {
        guard let sent = inflight else {
            anomalies.append("ack v\(acked) seq \(seq.map(String.init) ?? "-") with nothing in flight")
            return nil
        }
        if seq != sent.seq { anomalies.append("ack of seq \(seq.map(String.init) ?? "-") while \(sent.seq) is in flight") }
        if acked != version + 1 { anomalies.append("ack at v\(acked) after v\(version)") }
        version = acked
        self.acked.append(sent.seq)
        inflight = nil
        return flush()
    }

    /// Another client's committed change at `version`; `edit` is nil for non-text changes.
    mutating func received(_ remote: Edit?, version remoteVersion: Int64) {
        if remoteVersion != version + 1 { anomalies.append("op v\(remoteVersion) after v\(version)") }
        version = remoteVersion
        guard var remote else { return }
        if inflight?.edit.field == remote.field || pending.contains(where: { $0.field == remote.field }) {
            conflicts += 1
        }
        if var sent = inflight, sent.edit.field == remote.field {
            let mine = sent.edit.operation
            sent.edit.operation = mine.transformed(against: remote.operation, hasPriority: false)
            remote.operation = remote.operation.transformed(against: mine, hasPriority: true)
            inflight = sent
        }
        for index in pending.indices where pending[index].field == remote.field {
            let mine = pending[index].operation
            pending[index].operation = mine.transformed(against: remote.operation, hasPriority: false)
            remote.operation = remote.operation.transformed(against: mine, hasPriority: true)
        }
        var text = texts[remote.field] ?? []
        do {
            try remote.operation.apply(to: &text)
            texts[remote.field] = text
        } catch {
            anomalies.append("remote op v\(remoteVersion) does not apply: \(error)")
        }
    }

    /// Sends the first pending edit if nothing is in flight.
    private mutating func flush() -> Outgoing? {
        guard inflight == nil, !pending.isEmpty else { return nil }
        let edit = pending.removeFirst()
        let outgoing = Outgoing(edit: edit, seq: nextSeq, version: version)
        nextSeq += 1
        inflight = outgoing
        return outgoing
    }
}

extension CollaborativeText.Outgoing {
    /// The `op` frame for `ticket`.
    func frame(ticket: String, client: String) -> String {
        let change = TicketChange.text(edit.field, edit.operation)
        let op = String(decoding: (try? JSONEncoder().encode(change)) ?? Data(), as: UTF8.self)
        return #"{"type":"op","topic":"ticket:\#(ticket)","client":"\#(client)","seq":\#(seq),"v":\#(version),"op":\#(op)}"#
    }
}
