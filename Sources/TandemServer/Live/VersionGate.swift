// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// What to do with a ticket frame of some version, for a staff-view subscription.
enum VersionVerdict {
    case deliver
    /// A repeat of a version already sent (an operation seen twice after a relay hiccup).
    case drop
    /// Versions are missing before this one: the frame must not be delivered; the topic resyncs.
    case gap
}

/// Cluster mode: keeps the staff view of each ticket topic on one connection gapless.
///
/// In a cluster, the node that owns a ticket can die with operations it committed but never
/// relayed here: the first frame of the new owner then skips them. The staff view sees every
/// version, so a jump is a gap, answered with `resync` (`relay_gap`) instead of the frame.
/// A value guarded by its ``Connection``'s lock, together with the ``OutboundQueue`` whose
/// resyncing topics it consults.
///
/// Invariants:
/// - `versions[topic]` is the last version sent on a tracked topic; only `version + 1`
///   advances it.
/// - Between a resubscription (``resume(topic:)``) and the delivery of its reply
///   (``track(_:version:)``) every frame of the topic is held back (dropped), and
///   `awaitingReply[topic]` is the highest version held back.
struct VersionGate {
    private var versions: [String: Int64] = [:]
    private var awaitingReply: [String: Int64] = [:]

    /// Starts (or, with `nil`, stops) checking the staff view of `topic` from `version`:
    /// the subscription's reply is being delivered.
    ///
    /// Returns `false` when frames newer than the reply were held back while it was awaited:
    /// the stream after the reply would skip them, so the caller must resync the topic.
    mutating func track(_ topic: String, version: Int64?) -> Bool {
        versions[topic] = version
        guard let ahead = awaitingReply.removeValue(forKey: topic), let version else { return true }
        return ahead <= version
    }

    /// Checks that `version` follows the last one sent on `topic`; `resyncing` says whether the
    /// topic's frames are being dropped anyway (then nothing is checked).
    ///
    /// Between a resubscription and its reply, frames are held back: those up to the reply's
    /// version are in the reply, and a newer one can only come from another owner than the
    /// one answering (two activations overlap while a lease moves), so the reply could not
    /// be continued from it. ``track(_:version:)`` then asks for a resync.
    mutating func verdict(_ topic: String, version: Int64, isOp: Bool, resyncing: Bool) -> VersionVerdict {
        if let ahead = awaitingReply[topic] {
            awaitingReply[topic] = max(ahead, version)
            return .drop
        }
        guard let last = versions[topic], !resyncing else { return .deliver }
        if version == last + 1 {
            versions[topic] = version
            return .deliver
        }
        // An ack of an older version answers a resend of an edit already committed.
        if version <= last { return isOp ? .drop : .deliver }
        return .gap
    }

    /// The client resubscribed to a tracked topic: hold its frames back until the reply.
    mutating func resume(topic: String) {
        if versions[topic] != nil { awaitingReply[topic] = .min }
    }
}
