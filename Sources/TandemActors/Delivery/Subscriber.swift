// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Where a subscriber lives: a node and a connection on it. A value, so that a
/// ticket actor on another node can address it through the relay.
/// Encodes as the string `"node/connection"`, as the protocol shows it.
public struct SubscriberAddress: Codable, Sendable, Hashable, CustomStringConvertible {
    /// The node that holds the connection.
    public var node: String
    /// The connection's id, unique on its node.
    public var connection: UInt64

    public init(node: String, connection: UInt64) {
        self.node = node
        self.connection = connection
    }

    public var description: String { "\(node)/\(connection)" }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let raw = try container.decode(String.self)
        guard let slash = raw.lastIndex(of: "/"), let id = UInt64(raw[raw.index(after: slash)...]) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "expected node/connection")
        }
        self.init(node: String(raw[..<slash]), connection: id)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// What a subscriber may see.
public enum Audience: String, Codable, Sendable {
    /// Support staff: everything.
    case staff
    /// The customer: public content only.
    case `public`
}

/// A subscriber: its address, who it is and what it may see.
public struct SubscriberInfo: Codable, Sendable, Hashable {
    public var address: SubscriberAddress
    public var user: UserID
    public var name: String
    public var audience: Audience

    public init(address: SubscriberAddress, user: UserID, name: String, audience: Audience) {
        self.address = address
        self.user = user
        self.name = name
        self.audience = audience
    }
}
