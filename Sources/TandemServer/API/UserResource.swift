// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore

/// A user as the API shows it: never the password hash.
struct UserResource: ResponseEncodable, Sendable {
    var id: String
    var email: String
    var name: String
    var role: Role
    var disabled: Bool
    var createdAt: String
    var updatedAt: String

    init(_ user: User) {
        id = user.id.rawValue
        email = user.email
        name = user.name
        role = user.role
        disabled = user.disabled
        createdAt = user.createdAt.iso8601
        updatedAt = user.updatedAt.iso8601
    }
}

/// A team with its members.
struct TeamResource: ResponseEncodable, Sendable {
    struct Member: Codable, Sendable {
        var userId: String
        var role: TeamRole
    }
    var id: String
    var name: String
    var members: [Member]
    var createdAt: String
    var updatedAt: String

    init(_ team: Team) {
        id = team.id.rawValue
        name = team.name
        members = team.members.map { Member(userId: $0.userID.rawValue, role: $0.role) }
        createdAt = team.createdAt.iso8601
        updatedAt = team.updatedAt.iso8601
    }
}

/// A page of items with the cursor for the next one.
struct PageResource<Item: Encodable & Sendable>: ResponseEncodable, Sendable {
    var items: [Item]
    var nextCursor: String?
}

/// The body after sign-in or refresh.
struct SessionResource: ResponseEncodable, Sendable {
    var user: UserResource
    var accessToken: String
    var tokenType = "Bearer"
    var expiresIn: Int
    /// Present for API clients (`"session": "token"`), absent in cookie mode.
    var refreshToken: String?
    /// The CSRF token to echo in `X-CSRF-Token` (cookie mode).
    var csrfToken: String?
}
