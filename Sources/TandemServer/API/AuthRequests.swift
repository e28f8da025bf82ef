// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
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
    static let fields: Set<String> = ["email", "name"]
    var email: String
    var name: String
}

struct SignUpCheckRequest: RequestBody {
    static let fields: Set<String> = ["token"]
    var token: String
}

struct SignUpConfirmRequest: RequestBody {
    static let fields: Set<String> = ["token", "password", "session"]
    var token: String
    var password: String
    var session: SessionMode?
}

/// The answer to every sign-up request, byte for byte, whether the address is new or registered:
/// fixed bytes, not an encoder's output (whose key order may vary from one response to the next).
enum SignUpAccepted {
    static let body =
        #"{"status":"confirmation_sent","message":"A message is on its way to this address. Follow the link in it to finish."}"#

    static func response() -> Response {
        Response(
            status: .accepted, headers: [.contentType: "application/json; charset=utf-8", .cacheControl: "no-store"],
            body: ResponseBody(byteBuffer: ByteBuffer(string: body)))
    }
}

/// What a confirmation link is for (`POST /auth/signup/check`).
struct SignUpLinkResource: ResponseEncodable, Sendable {
    var email: String
    var name: String
    var expiresAt: String

    init(email: String, name: String, expiresAt: Timestamp) {
        self.email = email
        self.name = name
        self.expiresAt = expiresAt.iso8601
    }
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
