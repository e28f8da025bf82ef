// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import TandemCore
import TandemStore

extension AuthService {
    /// The authentication flows over `store` with the `auth.*` settings: the token
    /// service, the password hasher and the session lifetime they name.
    public static func make(
        _ auth: TandemConfiguration.Auth, store: any TandemStore, throttle: any LoginThrottle, clock: any TandemClock,
        logger: Logger
    ) async -> AuthService {
        let tokens = await TokenService(
            secret: auth.jwtSecret, keyID: auth.jwtKeyID, issuer: auth.issuer, audience: auth.audience,
            accessTokenSeconds: auth.accessTokenSeconds)
        return AuthService(
            store: store, hasher: PasswordHasher(cost: auth.bcryptCost), tokens: tokens, throttle: throttle,
            clock: clock, refreshLifetimeSeconds: auth.refreshTokenSeconds, logger: logger)
    }
}
