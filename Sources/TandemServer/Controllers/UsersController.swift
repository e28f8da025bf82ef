// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore
import TandemStore

/// `/api/v1/users`: list, read, create, update, disable.
struct UsersController {
    typealias Context = TandemRequestContext
    let store: any TandemStore
    let auth: AuthService
    let policy: AccessPolicy
    let clock: any TandemClock
    let events: any IdentityEvents
    let cursors: CursorSeal

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: read)
        group.patch(":id", use: update)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> PageResource<UserResource> {
        let identity = try context.requireIdentity()
        try policy.authorize(identity, .listUsers, .system)
        let query = request.uri.queryParameters
        var filter = UserFilter()
        if let role = query["role"] { filter.role = try Validators.oneOf(String(role), as: Role.self, field: "role") }
        if let disabled = query["disabled"] {
            guard let value = Bool(String(disabled)) else {
                throw APIError(
                    .unprocessableContent, code: "invalid", message: "disabled must be true or false.", field: "disabled")
            }
            filter.disabled = value
        }
        if let q = SearchText.query(request.uri) { filter.query = q }
        if let team = query["teamId"] { filter.teamID = TeamID(String(team)) }
        if identity.user.role != .admin {
            // Staff see the customers they serve and the members of their own teams.
            let ownTeam = filter.teamID.map { identity.principal.isMember(of: $0) } ?? false
            guard ownTeam || filter.role == .customer else {
                throw APIError.forbidden("Filter by one of your teams (teamId) or by role=customer.")
            }
        }
        let page = try await store.listUsers(filter, page: try pageRequest(from: request, cursors: cursors))
        return PageResource(items: page.items.map(UserResource.init), nextCursor: cursors.seal(page.nextCursor))
    }

    @Sendable func read(_ request: Request, context: Context) async throws -> UserResource {
        let identity = try context.requireIdentity()
        let user = try await loadVisible(context.pathParameter("id"), identity, .readUser)
        return UserResource(user)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let identity = try context.requireIdentity()
        try policy.authorize(identity, .createUser, .system)
        let body = try await request.decodeBody(CreateUserRequest.self, context: context)
        let role = try Validators.oneOf(body.role, as: Role.self, field: "role")
        let user = try await auth.createUser(email: body.email, name: body.name, password: body.password, role: role)
        var response = try UserResource(user).response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/users/\(user.id)"
        return response
    }

    /// Applies the body to the user as currently stored. Permission is checked before
    /// anything is written, whatever the body holds; the write is fenced on the record it
    /// was computed from, so a concurrent change (a role change, a disable) is never undone
    /// by a stale write: on a conflict the change is computed again from the new record.
    @Sendable func update(_ request: Request, context: Context) async throws -> UserResource {
        let identity = try context.requireIdentity()
        let id = try context.pathParameter("id")
        // Read first, so that an unreadable user is 404 whatever the body holds. The write is
        // fenced on this record, so it is read again only after a conflict.
        var current = try await loadVisible(id, identity, .readUser)
        let body = try await request.decodeBody(UpdateUserRequest.self, context: context)
        try await checkPasswordForOwnEmailChange(body, of: id, identity: identity, address: context.remoteAddress)
        for attempt in 1...Self.updateAttempts {
            if attempt > 1 { current = try await loadVisible(id, identity, .readUser) }
            let updated = try await applying(body, to: current, by: identity)
            guard updated != current else { return UserResource(current) }
            do {
                try await store.updateUser(updated, expecting: current)
            } catch StoreError.versionConflict where attempt < Self.updateAttempts {
                continue
            }
            if Self.isEnabledAdmin(current) && !Self.isEnabledAdmin(updated), try await !hasEnabledAdmin() {
                // Another request removed the other admin at the same time: undo ours, not theirs.
                try? await store.updateUser(current, expecting: updated)
                throw Self.lastAdmin(field: body.role != nil ? "role" : "disabled")
            }
            if updated.disabled && !current.disabled {
                let revoked = try await store.revokeSessions(of: updated.id, except: nil, at: clock.now())
                context.logger.notice("user disabled", metadata: ["user": "\(updated.id)", "revoked": "\(revoked.count)"])
                await events.sessionsRevoked(user: updated.id, sessions: nil)
            } else if updated.role != current.role {
                await events.permissionsChanged(user: updated.id)
            }
            return UserResource(updated)
        }
        throw APIError(.conflict, code: "version_conflict", message: "Someone else changed this user first; retry.")
    }

    /// A stolen session must not be enough to take the account's address: changing one's own
    /// e-mail needs the current password (checked once, throttled like a login).
    private func checkPasswordForOwnEmailChange(
        _ body: UpdateUserRequest, of target: String, identity: AuthenticatedIdentity, address: String?
    ) async throws {
        guard let raw = body.email, target == identity.user.id.rawValue,
            try Validators.email(raw) != identity.user.email
        else { return }
        guard let password = body.currentPassword else {
            throw APIError(
                .unprocessableContent, code: "required",
                message: "Enter your current password to change your e-mail address.", field: "currentPassword")
        }
        try await auth.verifyCurrentPassword(password, of: identity.user, address: address)
    }

    /// How often a fenced user update is computed again after a concurrent change.
    private static let updateAttempts = 3

    /// `current` with the body's changes, after checking that `identity` may make each.
    private func applying(
        _ body: UpdateUserRequest, to current: User, by identity: AuthenticatedIdentity
    ) async throws -> User {
        let resource = try await userResource(current)
        // Every PATCH needs the right to change the profile, even one that changes nothing.
        try policy.authorize(identity, .updateUserProfile, resource)
        var user = current
        if let name = body.name { user.name = try Validators.name(name) }
        if let email = body.email { user.email = try Validators.email(email) }
        if let role = body.role {
            try policy.authorize(identity, .changeUserRole, resource)
            user.role = try Validators.oneOf(role, as: Role.self, field: "role")
        }
        if let disabled = body.disabled {
            try policy.authorize(identity, .disableUser, resource)
            if disabled && user.id == identity.user.id {
                throw APIError(.unprocessableContent, code: "invalid", message: "You cannot disable yourself.", field: "disabled")
            }
            user.disabled = disabled
        }
        guard user != current else { return current }
        if Self.isEnabledAdmin(current) && !Self.isEnabledAdmin(user), try await !hasEnabledAdmin(besides: current.id) {
            throw Self.lastAdmin(field: user.role != .admin ? "role" : "disabled")
        }
        user.updatedAt = max(clock.now(), current.updatedAt.adding(milliseconds: 1))
        return user
    }

    private static func isEnabledAdmin(_ user: User) -> Bool { user.role == .admin && !user.disabled }

    /// Whether an enabled admin other than `excluded` exists.
    private func hasEnabledAdmin(besides excluded: UserID? = nil) async throws -> Bool {
        let admins = try await store.listUsers(UserFilter(role: .admin, disabled: false), page: PageRequest(after: nil, limit: 2))
        return admins.items.contains { $0.id != excluded }
    }

    private static func lastAdmin(field: String) -> APIError {
        APIError(
            .unprocessableContent, code: "last_admin",
            message: "This change would leave no enabled admin; make someone else an admin first.", field: field)
    }

    private func loadVisible(_ id: String, _ identity: AuthenticatedIdentity, _ action: Action) async throws -> User {
        guard let user = try await store.user(id: UserID(id)) else { throw APIError.notFound("User") }
        try policy.authorize(identity, action, try await userResource(user), concealing: "User")
        return user
    }

    private func userResource(_ user: User) async throws -> Resource {
        .user(id: user.id, role: user.role, teams: Set(try await store.memberships(of: user.id).keys))
    }
}
