// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemCore

/// What a ``Resubscriber`` saw.
struct ResubscribeOutcome: Sendable {
    /// `ops` replies to a subscription from a known version, and the operations they carried.
    var catchUps = 0
    var caughtUpOps = 0
    /// `op` broadcasts that arrived before the subscription's reply (the client must buffer them).
    var opsBeforeReply = 0
    /// Subscriptions refused as `unavailable` (a cluster taking over the ticket) and asked again.
    var retries = 0
    var violations: [String] = []
    /// The text it held at the end of each connection (version → text), for the replay check.
    var samples: [Int64: String] = [:]
}

/// A watcher that keeps dropping its connection during the storm and resubscribing from the
/// last version it knew: each reply must hold exactly the operations it missed, and the live
/// broadcasts must continue from the reply's version with no gap and no repeat.
struct Resubscriber {
    let endpoint: LiveEndpoint
    let token: String
    let topic: String
    /// How long each connection stays after its subscription's reply.
    var holdFor: Duration = .milliseconds(20)
    /// Set by the storm when it is over (the server may still be running).
    var stop = Flag()

    final class Flag: Sendable {
        private let value = Atomic(false)
        func set() { value.store(true, ordering: .relaxed) }
        var isSet: Bool { value.load(ordering: .relaxed) }
    }

    func run() async -> ResubscribeOutcome {
        var outcome = ResubscribeOutcome()
        var known: Int64?
        var text: [Unicode.Scalar] = []
        while outcome.violations.isEmpty && !stop.isSet {
            let socket = LiveSocket(endpoint, token: token)
            let weClosed = Flag()
            var closer: Task<Void, Never>?
            // If the server dies during the WebSocket handshake, the client can hang (the socket
            // stays in CLOSE-WAIT): give up on a connection that outlives its purpose.
            let watchdog = Task {
                try? await Task.sleep(for: holdFor + .seconds(5))
                socket.abort("connection did not end")
            }
            defer {
                closer?.cancel()
                watchdog.cancel()
            }
            /// Drops the connection `holdFor` after the subscription's reply.
            func holdThenDrop() {
                closer = Task {
                    try? await Task.sleep(for: holdFor)
                    weClosed.set()
                    socket.close()
                }
            }
            var reader = FrameReader(socket)
            /// The `ref` of the latest `subscribe`: only its reply counts (a resync can supersede one in flight).
            var subscribeRef = ""
            var subscriptions = 0
            func subscribe() {
                subscriptions += 1
                subscribeRef = "w-s\(subscriptions)"
                socket.send(ClientFrame.subscribe(topic, from: known, ref: subscribeRef))
            }
            subscribe()
            var version: Int64?
            var early: [ServerFrame.Op] = []

            func violation(_ what: String) {
                outcome.violations.append(what)
                socket.close()
            }
            func apply(_ op: ServerFrame.Op) {
                guard let current = version, op.version == current + 1 else {
                    return violation("op \(op.version) after version \(version ?? -1)")
                }
                version = op.version
                if case .text(.replyDraft, let operation) = op.change {
                    do { try operation.apply(to: &text) } catch { violation("op \(op.version) does not apply: \(error)") }
                }
            }

            while let frame = await reader.next() {
                switch frame.type {
                case "snapshot" where frame.ref != subscribeRef, "ops" where frame.ref != subscribeRef:
                    continue  // the reply to a subscription that a later resync superseded
                case "snapshot" where version == nil && known == nil:
                    guard let v = frame.v, let draft = frame.ticket?.replyDraft else {
                        violation("bad snapshot")
                        continue
                    }
                    version = v
                    text = Array(draft.unicodeScalars)
                    for op in early where op.version > v { apply(op) }
                    holdThenDrop()
                case "ops" where version == nil && known != nil:
                    guard let v = frame.v, let from = known else { continue }
                    let ops = frame.ops ?? []
                    guard ops.map(\.version) == Array(stride(from: from + 1, through: v, by: 1)) else {
                        violation("resubscribing from \(from) to \(v) gave \(ops.count) ops \(ops.first?.version ?? -1)…")
                        continue
                    }
                    version = from
                    for op in ops { apply(op) }
                    outcome.catchUps += 1
                    outcome.caughtUpOps += ops.count
                    for op in early where op.version > v { apply(op) }
                    holdThenDrop()
                case "op":
                    guard let op = frame.op else { continue }
                    if version == nil {
                        outcome.opsBeforeReply += 1
                        early.append(op)
                    } else {
                        apply(op)
                    }
                case "resync" where version == nil:
                    // The subscription's reply is not here yet and already superseded: ask again.
                    outcome.retries += 1
                    early.removeAll()
                    subscribe()
                case "resync" where version != nil:
                    // A cluster node lost track of this subscription: start again from what we have.
                    outcome.retries += 1
                    known = version
                    version = nil
                    early.removeAll()
                    subscribe()
                case "error" where frame.code == "unavailable" && version != nil:
                    // The subscription's node lost the ticket (a takeover): start again from what we have.
                    outcome.retries += 1
                    known = version
                    version = nil
                    early.removeAll()
                    try? await Task.sleep(for: .milliseconds(200))
                    subscribe()
                case "error" where frame.code == "unavailable" && version == nil:
                    // A cluster taking over the ticket from a dead node: ask again shortly.
                    outcome.retries += 1
                    try? await Task.sleep(for: .milliseconds(200))
                    subscribe()
                case "snapshot", "ops", "error", "resync", "unsubscribed", "invalid":
                    violation("\(frame.type) \(frame.code ?? frame.reason ?? "") \(frame.message ?? "") (known \(known ?? -1))")
                default:
                    continue
                }
            }
            // Dropped by us: resubscribe from where we are. Dropped by the server: the storm is over.
            guard weClosed.isSet, let reached = version else { break }
            known = reached
            outcome.samples[reached] = String(String.UnicodeScalarView(text))
        }
        return outcome
    }
}
