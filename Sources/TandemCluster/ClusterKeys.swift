// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemActors
import TandemCore

/// Every Redis key and channel a cluster uses. All start with `tandem:`.
public enum ClusterKeys {
    /// `tandem:lease:<kind>:<id>` (`tandem:lease:ticket:tkt_…`, `tandem:lease:team:team_…`,
    /// `tandem:lease:team:triage`): the owner's token `<node>/<epoch>`, with an expiry.
    public static func lease(_ key: ActorKey) -> String { "tandem:lease:\(key)" }
    /// `tandem:node:<node>`: the channel a node listens on for calls, replies and deliveries.
    public static func channel(of node: String) -> String { "tandem:node:\(node)" }

    /// The `CLIENT SETNAME` of a node's command connections (its pub/sub one adds `-bus`).
    public static func clientName(of node: String) -> String {
        "tandem-" + String(node.map { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" ? $0 : "_" })
    }
    /// `tandem:events`: node events (revocations, permission changes, notifications) for every node.
    public static let events = "tandem:events"
    /// `tandem:nodes`: a sorted set of running nodes scored by when their presence expires (ms, Redis time).
    public static let nodes = "tandem:nodes"
    /// `tandem:placement:<cluster>`: present (no expiry) while Redis keeps its data. When a node that
    /// saw it finds it gone, Redis lost every lease (a restart without persistence).
    public static func placementMarker(of cluster: String) -> String { "tandem:placement:\(cluster)" }
    /// `tandem:placement:<cluster>:settling`: for one lease time after Redis lost its data, nobody
    /// takes a free lease; an owner whose lease is still valid by its clock takes its own back.
    public static func placementSettling(of cluster: String) -> String { "tandem:placement:\(cluster):settling" }
    /// `tandem:rate:<user>`: a user's shared operation bucket (hash `tokens`, `ts`).
    public static func rate(_ user: UserID) -> String { "tandem:rate:\(user.rawValue)" }

    /// The node part of a lease token `<node>/<epoch>`.
    public static func node(ofToken token: String) -> String {
        guard let slash = token.lastIndex(of: "/") else { return token }
        return String(token[..<slash])
    }
}
