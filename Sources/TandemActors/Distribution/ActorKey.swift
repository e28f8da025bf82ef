// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// The name of an actor that is active on exactly one node of a cluster.
public enum ActorKey: Hashable, Sendable, Codable, CustomStringConvertible {
    case ticket(TicketID)
    /// A team's queue; `nil` is the triage queue.
    case team(TeamID?)

    /// `ticket:<id>`, `team:<id>` or `team:triage`: the suffix of the lease key.
    public var description: String {
        switch self {
        case .ticket(let id): "ticket:\(id.rawValue)"
        case .team(let id): "team:\(id?.rawValue ?? "triage")"
        }
    }

    /// The live-protocol topic the actor serves (the same spelling).
    public var topic: String { description }

    /// Parses ``description``.
    public init?(_ text: some StringProtocol) {
        if text.hasPrefix("ticket:") {
            let id = text.dropFirst("ticket:".count)
            guard !id.isEmpty else { return nil }
            self = .ticket(TicketID(String(id)))
        } else if text.hasPrefix("team:") {
            let id = text.dropFirst("team:".count)
            guard !id.isEmpty else { return nil }
            self = .team(id == "triage" ? nil : TeamID(String(id)))
        } else {
            return nil
        }
    }
}
