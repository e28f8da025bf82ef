// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Crypto
import Logging
import TandemCore
import TandemStore

/// Self sign-up by confirmation link (docs/SECURITY.md, "Sign-up"):
///
/// 1. ``request(email:name:address:)``: the same answer whatever the address — a new address is
///    sent a link (``SignUpToken``), a registered one a "you already have an account" message.
///    Both paths read the user once and write one outbox entry, so their timing matches too.
///    The answer can tell nothing about the address; only its mailbox learns something.
/// 2. ``confirm(token:password:address:userAgent:)``: the link's holder chooses the password,
///    the account is created and signed in. The password is chosen here, not at step 1: whoever
///    asked for the account cannot set the password of an address they do not read.
public struct SignUpService: Sendable {
    let auth: AuthService
    let mailer: Mailer
    let key: SymmetricKey
    let linkSeconds: Int
    let logger: Logger

    public init(auth: AuthService, mailer: Mailer, configuration: TandemConfiguration, logger: Logger) {
        self.auth = auth
        self.mailer = mailer
        self.key = SignUpToken.key(secret: configuration.auth.jwtSecret)
        self.linkSeconds = configuration.mail.signUpLinkSeconds
        self.logger = logger
    }

    /// Step 1. Every attempt counts against the target address and the client address (keys
    /// apart from the login's), whatever happens next: a source can probe only so many
    /// addresses, and an address receive only so many messages, per window.
    /// - Returns: The address as it will be used (trimmed and lower-cased by the validator).
    @discardableResult
    public func request(email rawEmail: String, name rawName: String, address: String?) async throws -> String {
        let now = auth.clock.now()
        let account = "signup:" + rawEmail.trimmingWhitespace().lowercased()
        if let wait = await auth.throttle.beginAttempt(account: account, address: address.map { "signup:" + $0 }, now: now) {
            logger.warning("sign-up throttled", metadata: ["address": "\(address ?? "-")"])
            throw AuthService.throttled(wait, "Too many sign-up attempts. Try again in \(wait) seconds.")
        }
        let email = try Validators.email(rawEmail)
        let name = try Validators.name(rawName)
        if let existing = try await auth.store.user(email: email) {
            try await mailer.send(
                .signUpExisting, to: MailAddress(existing.email, name: existing.name), values: ["link": mailer.link("/login")])
            logger.info("sign-up for a registered address; told its owner", metadata: ["user": "\(existing.id)"])
        } else {
            let expiresAt = now.adding(seconds: Int64(linkSeconds))
            let token = try SignUpToken(email: email, name: name, expiresAt: expiresAt).sealed(with: key)
            try await mailer.send(
                .signUpConfirm, to: MailAddress(email, name: name),
                values: [
                    "name": name, "link": mailer.link("/signup/confirm#token=\(token)"),
                    "expires": Self.describe(expiresAt),
                ])
            logger.info("sign-up confirmation sent")
        }
        return email
    }

    /// What a link is for, before its holder chooses a password (the confirm page shows it).
    /// - Throws: the typed refusals of ``open(_:)``.
    func check(token raw: String) async throws -> SignUpToken {
        let token = try open(raw)
        guard try await auth.store.user(email: token.email) == nil else { throw Self.used }
        return token
    }

    /// Step 2: creates the customer the link names with `password` and opens a session.
    public func confirm(token raw: String, password: String, address: String?, userAgent: String?) async throws -> IssuedSession {
        let token = try open(raw)
        guard try await auth.store.user(email: token.email) == nil else { throw Self.used }
        let user: User
        do {
            user = try await auth.createUser(email: token.email, name: token.name, password: password, role: .customer)
        } catch StoreError.duplicate(_, "email") {
            throw Self.used  // two confirmations of one link at once: the other one won
        }
        logger.notice("sign-up confirmed", metadata: ["user": "\(user.id)"])
        return try await auth.openSession(for: user, address: address, userAgent: userAgent)
    }

    func open(_ raw: String) throws(APIError) -> SignUpToken {
        switch Result(catching: { () throws(SignUpToken.Refusal) -> SignUpToken in
            try SignUpToken.open(raw, key: key, now: auth.clock.now())
        }) {
        case .success(let token):
            return token
        case .failure(.invalid):
            throw APIError(
                .badRequest, code: "signup_token_invalid", message: "This confirmation link is not valid.", field: "token")
        case .failure(.expired):
            throw APIError(
                .gone, code: "signup_token_expired", message: "This confirmation link has expired. Sign up again.",
                field: "token")
        }
    }

    static let used = APIError(
        .conflict, code: "signup_token_used",
        message: "This confirmation link was already used. Sign in instead.", field: "token")

    /// `2026-12-09 14:05 UTC`.
    static func describe(_ time: Timestamp) -> String {
        let seconds = time.millisecondsSince1970 / 1000
        let days = seconds / 86_400
        let rest = seconds % 86_400
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func two(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(year)-\(two(month))-\(two(day)) \(two(rest / 3600)):\(two(rest % 3600 / 60)) UTC"
    }
}
