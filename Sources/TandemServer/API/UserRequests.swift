// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

struct CreateUserRequest: RequestBody {
    static let fields: Set<String> = ["email", "name", "password", "role"]
    var email: String
    var name: String
    var password: String
    var role: String
}

struct UpdateUserRequest: RequestBody {
    static let fields: Set<String> = ["email", "name", "role", "disabled", "currentPassword"]
    var email: String?
    /// Required when users change their own e-mail address.
    var currentPassword: String?
    var name: String?
    var role: String?
    var disabled: Bool?
}
