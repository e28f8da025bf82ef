// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

struct TeamMemberBody: Decodable, Sendable {
    var userId: String
    var role: String
}

struct CreateTeamRequest: RequestBody {
    static let fields: Set<String> = ["name", "members"]
    var name: String
    var members: [TeamMemberBody]?
}

struct UpdateTeamRequest: RequestBody {
    static let fields: Set<String> = ["name"]
    var name: String?
}

struct PutMemberRequest: RequestBody {
    static let fields: Set<String> = ["role"]
    var role: String
}
