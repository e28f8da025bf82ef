//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

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
                throw APIError(.unprocessableContent, code: "invalid", message: "disabled must be true or false.", field: "disabled")
            }
            filter.disabled = value
        }
        if let q = query["q"] { filter.query = String(q.prefix(200)) }
        if let team = query["teamId"] { filter.teamID = TeamID(String(team)) }
        if identity.user.role != .admin {
            // Staff see the customers they serve and the members of their own teams.
            let ownTeam = filter.teamID.map { identity.principal.isMember(of: $0) } ?? false
            guard ownTeam || filter.role == .customer else {
                throw APIError.forbidden("Filter by one of your teams (teamId) or by role=customer.")
            }
        }
        let page = try await store.listUsers(filter, page: try pageRequest(from: request))
        return PageResource(items: page.items.map(UserResource.init), nextCursor: page.nextCursor)
    }

    @Sendable func read(_ request: Request, context: Context) async throws -> UserResource {
        let identity = try context.requireIdentity()
        let user = try await loadVisible(context.parameters.require("id"), identity, .readUser)
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

    @Sendable func update(_ request: Request, context: Context) async throws -> UserResource {
        let identity = try context.requireIdentity()
        var user = try await loadVisible(context.parameters.require("id"), identity, .readUser)
        let body = try await request.decodeBody(UpdateUserRequest.self, context: context)
        let resource = try await userResource(user)
        if body.name != nil || body.email != nil {
            try policy.authorize(identity, .updateUserProfile, resource)
        }
        if let name = body.name { user.name = try Validators.name(name) }
        if let email = body.email {
            let email = try Validators.email(email)
            if email != user.email && user.id == identity.user.id {
                // A stolen session must not be enough to take the account's address.
                guard let current = body.currentPassword else {
                    throw APIError(
                        .unprocessableContent, code: "required",
                        message: "Enter your current password to change your e-mail address.", field: "currentPassword")
                }
                try await auth.verifyCurrentPassword(current, of: identity.user, address: context.remoteAddress)
            }
            user.email = email
        }
        if let role = body.role {
            try policy.authorize(identity, .changeUserRole, resource)
            user.role = try Validators.oneOf(role, as: Role.self, field: "role")
        }
        var revoke = false
        if let disabled = body.disabled {
            try policy.authorize(identity, .disableUser, resource)
            if disabled && user.id == identity.user.id {
                throw APIError(.unprocessableContent, code: "invalid", message: "You cannot disable yourself.", field: "disabled")
            }
            revoke = disabled && !user.disabled
            user.disabled = disabled
        }
        user.updatedAt = clock.now()
        try await store.updateUser(user)
        if revoke {
            let revoked = try await store.revokeSessions(of: user.id, except: nil, at: clock.now())
            context.logger.notice("user disabled", metadata: ["user": "\(user.id)", "revoked": "\(revoked.count)"])
            await events.sessionsRevoked(user: user.id, sessions: nil)
        } else if body.role != nil {
            await events.permissionsChanged(user: user.id)
        }
        return UserResource(user)
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
