// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Checks the sequence numbers of messages from other nodes: Redis pub/sub is
/// at-most-once, so a message can be lost without anyone noticing but the receiver.
struct LinkSequencer: Sendable {
    /// What one message says about the link it came over.
    enum Verdict: Sendable, Equatable {
        /// The next message, or the first one seen since a reset.
        case inOrder
        /// Messages before this one were lost.
        case gap
        /// The sender is a new incarnation (it restarted): its actors are gone.
        case restarted
    }

    private var links: [String: (epoch: String, next: UInt64)] = [:]
    /// Per sender, the first sequence number received from its current run. Kept across
    /// ``reset()``: it tells the sender which of its messages reached this run of this node.
    private var first: [String: (epoch: String, seq: UInt64)] = [:]

    /// Records a message and says whether anything before it is missing.
    mutating func receive(from node: String, epoch: String, seq: UInt64) -> Verdict {
        defer { links[node] = (epoch, seq + 1) }
        if first[node]?.epoch != epoch { first[node] = (epoch, seq) }
        guard let link = links[node] else { return .inOrder }
        if link.epoch != epoch { return .restarted }
        return seq == link.next ? .inOrder : .gap
    }

    /// The first sequence number received from `node`'s current run, if anything came from it.
    func firstReceived(from node: String) -> UInt64? {
        first[node]?.seq
    }

    /// Forgets every link: after a reconnect the next message of each sender is the new start.
    mutating func reset() {
        links.removeAll()
    }
}

/// The next sequence number per destination, for messages this node sends.
struct SendSequencer: Sendable {
    private var next: [String: UInt64] = [:]

    mutating func take(for node: String) -> UInt64 {
        let seq = next[node, default: 1]
        next[node] = seq + 1
        return seq
    }
}
