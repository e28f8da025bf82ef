// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemTestSupport

/// Makes records with time-ordered ids: each one a millisecond after the last,
/// so creation order is id order.
struct Fixtures {
    private var millis: Int64 = 1_750_000_000_000
    private var rng = SplitMix64(seed: 42)
    private let generator = IdentifierGenerator()
    /// The last ticket number given by ``ticket(subject:description:status:priority:requester:team:assignee:tags:)``.
    var lastTicketNumber: Int64 = 0

    /// The time of the latest record made.
    var now: Timestamp { Timestamp(millisecondsSince1970: millis) }

    mutating func tick<Tag>(_ prefix: String) -> Identifier<Tag> {
        millis += 1
        return generator.make(prefix, at: UInt64(millis), using: &rng)
    }

    mutating func user(
        email: String? = nil, name: String = "Ada Lovelace", role: Role = .agent, disabled: Bool = false
    ) -> User {
        let id: UserID = tick("usr")
        return User(
            id: id, email: email ?? "\(id.rawValue.lowercased())@example.com", name: name, role: role,
            passwordHash: "$2b$12$abcdefghijklmnopqrstuv", disabled: disabled, createdAt: now, updatedAt: now
        )
    }

    mutating func team(name: String? = nil, members: [TeamMember] = []) -> Team {
        let id: TeamID = tick("tea")
        return Team(id: id, name: name ?? "Team \(id.rawValue)", members: members, createdAt: now, updatedAt: now)
    }

    mutating func session(for userID: UserID, expiresIn seconds: Int64 = 3600) -> Session {
        let id: SessionID = tick("ses")
        return Session(
            id: id, userID: userID, refreshTokenHash: "hash-\(id.rawValue)", csrfToken: "csrf-\(id.rawValue)",
            createdAt: now, expiresAt: now.adding(seconds: seconds), userAgent: "Tests/1.0", ipAddress: "192.0.2.1"
        )
    }
}
