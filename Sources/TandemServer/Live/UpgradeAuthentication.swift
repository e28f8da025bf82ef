// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import Synchronization
import TandemCore

/// Authenticates WebSocket upgrades like ``AuthenticationMiddleware``, remembering the
/// identity each credential resolved to for a moment.
///
/// A burst of reconnects (a deploy, a network blip) presents the same few credentials
/// thousands of times a second, and each check verifies the JWT and reads the session, the
/// user and their teams from the store. A credential that resolved within the last
/// ``IdentityCache/lifetime`` reuses that identity. Revocations and permission changes on
/// this node drop the user's entries at once (``LocalIdentityEvents``), so what can be
/// stale is only a change made on another node, or a token expiring, for at most that long.
struct UpgradeAuthenticationMiddleware: RouterMiddleware {
    typealias Context = TandemRequestContext
    let authentication: AuthenticationMiddleware
    let cache: IdentityCache

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response
    {
        guard let key = Self.credential(request) else {
            return try await authentication.handle(request, context: context, next: next)
        }
        // One check per credential at a time: a storm's concurrent upgrades wait for it.
        if case .identity(let identity) = await cache.lookup(key) {
            var context = context
            context.identity = identity
            return try await next(request, context)
        }
        // This request checks the credential (the leader), or the leader found none.
        var resolved: AuthenticatedIdentity?
        do {
            return try await authentication.handle(request, context: context) { request, context in
                resolved = context.identity
                cache.complete(key, with: context.identity)
                return try await next(request, context)
            }
        } catch {
            if resolved == nil { cache.complete(key, with: nil) }
            throw error
        }
    }

    /// The credential that decides the identity: the `Authorization` header if present
    /// (it alone decides), otherwise the session cookie.
    static func credential(_ request: Request) -> String? {
        if let header = request.headers[.authorization] { return "h " + header }
        if let cookie = request.cookies[CookieName.session]?.value { return "c " + cookie }
        return nil
    }
}

/// Identities of recently checked credentials, for a short ``lifetime``; bounded in size.
/// Concurrent lookups of a credential being checked wait for that check (single flight).
final class IdentityCache: Sendable {
    /// How long a checked credential is trusted without checking it again.
    let lifetime: Duration
    let capacity: Int
    private let slots = Mutex<[String: Slot]>([:])

    private enum Slot {
        case ready(AuthenticatedIdentity, expires: ContinuousClock.Instant)
        /// Being checked; these lookups wait for the result.
        case checking([CheckedContinuation<AuthenticatedIdentity?, Never>])
    }

    /// What a lookup found.
    enum Lookup {
        /// A recent identity for the credential.
        case identity(AuthenticatedIdentity)
        /// Check the credential, then call ``complete(_:with:)``.
        case check
    }

    init(lifetime: Duration = .seconds(1), capacity: Int = 4_096) {
        self.lifetime = lifetime
        self.capacity = capacity
    }

    /// A remembered identity, the result of a check in progress, or `.check`: the caller
    /// checks the credential. When a check in progress found nothing, the waiter checks too.
    func lookup(_ credential: String) async -> Lookup {
        let now = ContinuousClock.now
        let found: Lookup? = slots.withLock { slots in
            switch slots[credential] {
            case .ready(let identity, let expires)? where expires > now: return .identity(identity)
            case .checking?: return nil
            default:
                if slots.count >= capacity { Self.evict(&slots, now: now, capacity: capacity) }
                slots[credential] = .checking([])
                return .check
            }
        }
        if let found { return found }
        // Another request is checking this credential: wait for its result.
        let identity = await withCheckedContinuation { (continuation: CheckedContinuation<AuthenticatedIdentity?, Never>) in
            let result: AuthenticatedIdentity?? = slots.withLock { slots in
                switch slots[credential] {
                case .checking(var waiters)?:
                    waiters.append(continuation)
                    slots[credential] = .checking(waiters)
                    return .none
                case .ready(let identity, let expires)? where expires > ContinuousClock.now:
                    return .some(identity)
                default:
                    return .some(nil)
                }
            }
            if case .some(let identity) = result { continuation.resume(returning: identity) }
        }
        return identity.map(Lookup.identity) ?? .check
    }

    /// Ends a check: remembers the identity (if any) and wakes the lookups waiting for it.
    func complete(_ credential: String, with identity: AuthenticatedIdentity?) {
        let now = ContinuousClock.now
        let waiters: [CheckedContinuation<AuthenticatedIdentity?, Never>] = slots.withLock { slots in
            var waiters: [CheckedContinuation<AuthenticatedIdentity?, Never>] = []
            if case .checking(let list)? = slots[credential] { waiters = list }
            if let identity {
                slots[credential] = .ready(identity, expires: now + lifetime)
            } else if case .checking? = slots[credential] {
                slots[credential] = nil
            }
            return waiters
        }
        for waiter in waiters { waiter.resume(returning: identity) }
    }

    /// Drops every remembered identity of `user` (sessions revoked, role or teams changed).
    func forget(user: UserID) {
        slots.withLock { slots in
            slots = slots.filter { _, slot in
                if case .ready(let identity, _) = slot { return identity.user.id != user }
                return true
            }
        }
    }

    /// Makes room: drops expired identities, then every identity if still full (checks in
    /// progress are kept: their waiters need them).
    private static func evict(_ slots: inout [String: Slot], now: ContinuousClock.Instant, capacity: Int) {
        slots = slots.filter { _, slot in
            if case .ready(_, let expires) = slot { return expires > now }
            return true
        }
        if slots.count >= capacity {
            slots = slots.filter { _, slot in
                if case .checking = slot { return true }
                return false
            }
        }
    }
}
