// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// How a client wants its session: tokens in the body (API clients) or a cookie (browsers).
enum SessionMode: String, Decodable, Sendable, CaseIterable {
    case token
    case cookie

    /// An unknown value is a 422 `invalid_enum` on `session`, like every other enum field
    /// (the synthesized decoder would report a generic `invalid`).
    init(from decoder: any Decoder) throws {
        let raw = try decoder.singleValueContainer().decode(String.self)
        self = try Validators.oneOf(raw, as: SessionMode.self, field: "session")
    }
}

struct SignUpRequest: RequestBody {
    static let fields: Set<String> = ["email", "name", "password", "session"]
    var email: String
    var name: String
    var password: String
    var session: SessionMode?
}

struct LoginRequest: RequestBody {
    static let fields: Set<String> = ["email", "password", "session"]
    var email: String
    var password: String
    var session: SessionMode?
}

struct RefreshRequest: RequestBody {
    static let fields: Set<String> = ["refreshToken"]
    var refreshToken: String
}

struct ChangePasswordRequest: RequestBody {
    static let fields: Set<String> = ["currentPassword", "newPassword"]
    var currentPassword: String
    var newPassword: String
}
