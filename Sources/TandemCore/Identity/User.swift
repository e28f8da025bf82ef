// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A person who signs in to Tandem.
public struct User: Codable, Sendable, Hashable, Identifiable {
    public var id: UserID
    /// Lower-cased, unique.
    public var email: String
    public var name: String
    public var role: Role
    /// The bcrypt hash of the password; never leaves the server.
    public var passwordHash: String
    /// A disabled user cannot sign in and all their sessions are revoked.
    public var disabled: Bool
    public var createdAt: Timestamp
    public var updatedAt: Timestamp

    public init(
        id: UserID, email: String, name: String, role: Role, passwordHash: String,
        disabled: Bool = false, createdAt: Timestamp, updatedAt: Timestamp
    ) {
        self.id = id
        self.email = email
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.disabled = disabled
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }
}
