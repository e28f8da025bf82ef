// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// A server-side sign-in session. Access tokens and the browser cookie name
/// it by id; revoking it refuses them on their very next use.
public struct Session: Codable, Sendable, Hashable, Identifiable {
    public var id: SessionID
    public var userID: UserID
    /// SHA-256 (hex) of the current refresh token; rotated on every refresh.
    public var refreshTokenHash: String
    /// The CSRF token a browser must echo in `X-CSRF-Token`.
    public var csrfToken: String
    public var createdAt: Timestamp
    /// When the refresh token stops working.
    public var expiresAt: Timestamp
    /// Set once, when the session is revoked (logout, password change, user disabled).
    public var revokedAt: Timestamp?
    public var userAgent: String?
    public var ipAddress: String?

    public init(
        id: SessionID, userID: UserID, refreshTokenHash: String, csrfToken: String,
        createdAt: Timestamp, expiresAt: Timestamp, revokedAt: Timestamp? = nil,
        userAgent: String? = nil, ipAddress: String? = nil
    ) {
        self.id = id
        self.userID = userID
        self.refreshTokenHash = refreshTokenHash
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.revokedAt = revokedAt
        self.userAgent = userAgent
        self.ipAddress = ipAddress
    }

    /// Whether the session may still be used at `now`.
    public func isActive(at now: Timestamp) -> Bool {
        revokedAt == nil && now < expiresAt
    }
}
