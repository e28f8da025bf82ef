// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemStore

/// What a successful sign-in hands back.
public struct IssuedSession: Sendable {
    public var user: User
    public var session: Session
    /// Short-lived JWT for `Authorization: Bearer`.
    public var accessToken: String
    /// Long-lived opaque token: the refresh token, or the browser's session cookie.
    public var sessionToken: String
}

/// Sign-up, login, refresh, logout, password change and revocation: every
/// flow that creates or ends a session.
public struct AuthService: Sendable {
    let store: any TandemStore
    let hasher: PasswordHasher
    let tokens: TokenService
    let throttle: any LoginThrottle
    let clock: any TandemClock
    let ids = IdentifierGenerator()
    let refreshLifetimeSeconds: Int
    let logger: Logger

    public init(
        store: any TandemStore, hasher: PasswordHasher, tokens: TokenService, throttle: any LoginThrottle,
        clock: any TandemClock, refreshLifetimeSeconds: Int, logger: Logger
    ) {
        self.store = store
        self.hasher = hasher
        self.tokens = tokens
        self.throttle = throttle
        self.clock = clock
        self.refreshLifetimeSeconds = refreshLifetimeSeconds
        self.logger = logger
    }

    /// Creates a user after validating every field. Used by sign-up, admins and the CLI.
    public func createUser(email: String, name: String, password: String, role: Role) async throws -> User {
        let email = try Validators.email(email)
        let name = try Validators.name(name)
        try Validators.password(password, email: email, name: name)
        let now = clock.now()
        let user = User(
            id: ids.make("usr", at: UInt64(now.millisecondsSince1970)), email: email, name: name, role: role,
            passwordHash: try await hasher.hash(password), createdAt: now, updatedAt: now)
        try await store.createUser(user)
        logger.notice("user created", metadata: ["user": "\(user.id)", "role": "\(role.rawValue)"])
        return user
    }

    static func throttled(_ wait: Int, _ message: String) -> APIError {
        APIError(.tooManyRequests, code: "too_many_attempts", message: message, headers: [.retryAfter: String(wait)])
    }

    /// Checks credentials and opens a session. Failed attempts are throttled per
    /// account and per address; the answer never says whether the e-mail exists.
    public func login(
        email rawEmail: String, password: String, address: String?, userAgent: String?
    ) async throws
        -> IssuedSession
    {
        let account = rawEmail.trimmingWhitespace().lowercased()
        let now = clock.now()
        // Checks and counts in one step; a success takes the count back below.
        if let wait = await throttle.beginAttempt(account: account, address: address, now: now) {
            logger.warning("login throttled", metadata: ["address": "\(address ?? "-")"])
            throw Self.throttled(wait, "Too many failed sign-in attempts. Try again in \(wait) seconds.")
        }
        let user = try await store.user(email: account)
        let valid: Bool
        if let user {
            valid = try await hasher.verify(password, against: user.passwordHash)
        } else {
            _ = try await hasher.verify(password, against: try await hasher.dummyHash())
            valid = false
        }
        guard let user, valid else {
            logger.warning("login failed", metadata: ["address": "\(address ?? "-")"])
            throw APIError(.unauthorized, code: "invalid_credentials", message: "The e-mail or password is wrong.")
        }
        guard !user.disabled else {
            throw APIError(.forbidden, code: "account_disabled", message: "This account is disabled.")
        }
        await throttle.recordSuccess(account: account, address: address, attemptedAt: now)
        return try await openSession(for: user, address: address, userAgent: userAgent)
    }

    /// Opens a new session for an already authenticated user.
    public func openSession(for user: User, address: String?, userAgent: String?) async throws -> IssuedSession {
        let now = clock.now()
        let sessionID: SessionID = ids.make("ses", at: UInt64(now.millisecondsSince1970))
        let token = SecretToken(sessionID: sessionID, sealedWith: tokens.sessionTokenKey)
        let session = Session(
            id: sessionID, userID: user.id, refreshTokenHash: token.hash, csrfToken: SecretToken.random(bytes: 24),
            createdAt: now, expiresAt: now.adding(seconds: Int64(refreshLifetimeSeconds)),
            userAgent: userAgent.map { String($0.prefix(256)) }, ipAddress: address)
        try await store.createSession(session)
        logger.info("session opened", metadata: ["user": "\(user.id)", "session": "\(sessionID)"])
        return IssuedSession(
            user: user, session: session, accessToken: try await tokens.issue(user: user.id, session: sessionID),
            sessionToken: token.rawValue)
    }

    /// Exchanges a refresh token for a new access token and a new refresh token.
    /// Presenting an already-rotated refresh token revokes the session: it was stolen or replayed
    /// (``RefreshTokenReuse``, which the caller turns into 401 after ending the session's sockets).
    /// Only a token this server really issued for the session counts as rotated: its seal proves
    /// it. Anything else that names the session (its id is readable in every access token) is
    /// refused without touching the session.
    public func refresh(_ rawToken: String) async throws -> IssuedSession {
        let invalid = APIError(.unauthorized, code: "invalid_refresh_token", message: "Sign in again.")
        guard let presented = SecretToken(parsing: rawToken),
            let session = try await store.session(id: presented.sessionID),
            session.isActive(at: clock.now())
        else { throw invalid }
        guard presented.matches(hash: session.refreshTokenHash) else {
            guard presented.isSealed(with: tokens.sessionTokenKey) else {
                logger.warning("refresh token not issued here; refused", metadata: ["session": "\(session.id)"])
                throw invalid
            }
            try await store.revokeSession(id: session.id, at: clock.now())
            logger.warning("refresh token reuse; session revoked", metadata: ["session": "\(session.id)"])
            throw RefreshTokenReuse(user: session.userID, session: session.id)
        }
        guard let user = try await store.user(id: session.userID), !user.disabled else { throw invalid }
        let next = SecretToken(sessionID: session.id, sealedWith: tokens.sessionTokenKey)
        let now = clock.now()
        let expiresAt = now.adding(seconds: Int64(refreshLifetimeSeconds))
        try await store.rotateRefreshToken(sessionID: session.id, newHash: next.hash, expiresAt: expiresAt)
        var rotated = session
        rotated.refreshTokenHash = next.hash
        rotated.expiresAt = expiresAt
        return IssuedSession(
            user: user, session: rotated, accessToken: try await tokens.issue(user: user.id, session: session.id),
            sessionToken: next.rawValue)
    }

    /// Ends one session.
    public func logout(_ session: SessionID) async throws {
        try await store.revokeSession(id: session, at: clock.now())
    }

    /// Changes a password after checking the current one; ends every other session of the user
    /// and returns their ids.
    @discardableResult
    public func changePassword(
        _ identity: AuthenticatedIdentity, current: String, new: String, address: String? = nil
    ) async throws -> [SessionID] {
        try await verifyCurrentPassword(current, of: identity.user, address: address)
        try Validators.password(new, field: "newPassword", email: identity.user.email, name: identity.user.name)
        let hash = try await hasher.hash(new)
        // Fenced on the record as read, so a concurrent change (a role change, a disable) is not undone.
        guard let current = try await store.user(id: identity.user.id) else { throw APIError.notFound("User") }
        var user = current
        user.passwordHash = hash
        user.updatedAt = max(clock.now(), current.updatedAt.adding(milliseconds: 1))
        try await store.updateUser(user, expecting: current)
        let revoked = try await store.revokeSessions(of: user.id, except: identity.session.id, at: clock.now())
        logger.notice("password changed", metadata: ["user": "\(user.id)", "revoked": "\(revoked.count)"])
        return revoked
    }

    /// Checks a signed-in user's current password (before a password or e-mail change). A wrong
    /// one counts as a failed login of the account and the address, with the same limits: a
    /// stolen session cannot be used to guess the password faster than the login form allows.
    public func verifyCurrentPassword(_ password: String, of user: User, address: String?) async throws {
        let account = user.email.lowercased()
        let now = clock.now()
        if let wait = await throttle.beginAttempt(account: account, address: address, now: now) {
            logger.warning("password check throttled", metadata: ["user": "\(user.id)", "address": "\(address ?? "-")"])
            throw Self.throttled(wait, "Too many wrong passwords. Try again in \(wait) seconds.")
        }
        guard try await hasher.verify(password, against: user.passwordHash) else {
            logger.warning("current password wrong", metadata: ["user": "\(user.id)", "address": "\(address ?? "-")"])
            throw APIError(
                .unprocessableContent, code: "invalid_credentials", message: "The current password is wrong.",
                field: "currentPassword")
        }
        await throttle.recordSuccess(account: account, address: address, attemptedAt: now)
    }

    /// Authenticates a bearer access token: valid signature and claims, a live session, an enabled user.
    func authenticate(accessToken: String) async throws -> (User, Session)? {
        guard let (userID, sessionID) = await tokens.verify(accessToken) else { return nil }
        return try await liveSession(sessionID, of: userID)
    }

    /// Authenticates a session cookie value.
    func authenticate(sessionCookie: String) async throws -> (User, Session)? {
        guard let token = SecretToken(parsing: sessionCookie),
            let session = try await store.session(id: token.sessionID),
            token.matches(hash: session.refreshTokenHash)
        else { return nil }
        return try await liveSession(session.id, of: session.userID)
    }

    private func liveSession(_ sessionID: SessionID, of userID: UserID) async throws -> (User, Session)? {
        guard let session = try await store.session(id: sessionID), session.userID == userID,
            session.isActive(at: clock.now()),
            let user = try await store.user(id: userID), !user.disabled
        else { return nil }
        return (user, session)
    }
}

/// A refresh token that was already rotated came back: the session is now revoked.
public struct RefreshTokenReuse: Error, Sendable {
    public var user: UserID
    public var session: SessionID
}
