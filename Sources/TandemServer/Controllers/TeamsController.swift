// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemCore
import TandemStore

/// `/api/v1/teams`: list, read, create, rename, and membership.
struct TeamsController {
    typealias Context = TandemRequestContext
    let store: any TandemStore
    let policy: AccessPolicy
    let clock: any TandemClock
    let events: any IdentityEvents
    let cursors: CursorSeal
    let ids = IdentifierGenerator()

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: read)
        group.patch(":id", use: rename)
        group.put(":id/members/:userId", use: putMember)
        group.delete(":id/members/:userId", use: removeMember)
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> PageResource<TeamResource> {
        let identity = try context.requireIdentity()
        try policy.authorize(identity, .listTeams, .system)
        let page = try pageRequest(from: request, cursors: cursors)
        if identity.user.role == .admin {
            let result = try await store.listTeams(page: page)
            return PageResource(items: result.items.map(TeamResource.init), nextCursor: cursors.seal(result.nextCursor))
        }
        // Non-admins belong to a handful of teams: return them all, in id order.
        var teams: [Team] = []
        for id in identity.principal.teams.keys.sorted() {
            if let team = try await store.team(id: id) { teams.append(team) }
        }
        return PageResource(items: teams.map(TeamResource.init), nextCursor: nil)
    }

    @Sendable func read(_ request: Request, context: Context) async throws -> TeamResource {
        let identity = try context.requireIdentity()
        let team = try await load(context, identity, .readTeam)
        return TeamResource(team)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let identity = try context.requireIdentity()
        try policy.authorize(identity, .createTeam, .system)
        let body = try await request.decodeBody(CreateTeamRequest.self, context: context)
        let now = clock.now()
        var team = Team(
            id: ids.make("team", at: UInt64(now.millisecondsSince1970)), name: try Validators.name(body.name),
            createdAt: now, updatedAt: now)
        try Validators.count(body.members ?? [], atMost: FieldLimits.membersPerRequest, field: "members")
        for (index, member) in (body.members ?? []).enumerated() {
            team.members.append(
                try await validMember(
                    member.userId, member.role, userField: "members[\(index)].userId", roleField: "members[\(index)].role"))
        }
        guard Set(team.members.map(\.userID)).count == team.members.count else {
            throw APIError(.unprocessableContent, code: "duplicate", message: "A user is listed twice.", field: "members")
        }
        try await store.createTeam(team)
        var response = try TeamResource(team).response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/teams/\(team.id)"
        return response
    }

    @Sendable func rename(_ request: Request, context: Context) async throws -> TeamResource {
        let identity = try context.requireIdentity()
        var team = try await load(context, identity, .readTeam)
        try policy.authorize(identity, .renameTeam, .team(team.id))
        let body = try await request.decodeBody(UpdateTeamRequest.self, context: context)
        if let name = body.name { team.name = try Validators.name(name) }
        team.updatedAt = clock.now()
        try await store.updateTeam(team)
        return TeamResource(team)
    }

    @Sendable func putMember(_ request: Request, context: Context) async throws -> TeamResource {
        let identity = try context.requireIdentity()
        var team = try await load(context, identity, .readTeam)
        try policy.authorize(identity, .manageTeamMembers, .team(team.id))
        let body = try await request.decodeBody(PutMemberRequest.self, context: context)
        let member = try await validMember(
            try context.pathParameter("userId"), body.role, userField: "userId", roleField: "role")
        if identity.user.role != .admin && member.role == .supervisor {
            throw APIError.forbidden("Only an admin may appoint supervisors.")
        }
        if identity.user.role != .admin
            && team.members.contains(where: { $0.userID == member.userID && $0.role == .supervisor })
        {
            throw APIError.forbidden("Only an admin may demote supervisors.")
        }
        team.members.removeAll { $0.userID == member.userID }
        team.members.append(member)
        team.updatedAt = clock.now()
        try await store.updateTeam(team)
        await events.permissionsChanged(user: member.userID)
        return TeamResource(team)
    }

    @Sendable func removeMember(_ request: Request, context: Context) async throws -> TeamResource {
        let identity = try context.requireIdentity()
        var team = try await load(context, identity, .readTeam)
        try policy.authorize(identity, .manageTeamMembers, .team(team.id))
        let userID = UserID(try context.pathParameter("userId"))
        guard let existing = team.members.first(where: { $0.userID == userID }) else {
            throw APIError.notFound("Member")
        }
        if identity.user.role != .admin && existing.role == .supervisor {
            throw APIError.forbidden("Only an admin may remove supervisors.")
        }
        team.members.removeAll { $0.userID == userID }
        team.updatedAt = clock.now()
        try await store.updateTeam(team)
        await events.permissionsChanged(user: userID)
        return TeamResource(team)
    }

    private func load(_ context: Context, _ identity: AuthenticatedIdentity, _ action: Action) async throws -> Team {
        let id = TeamID(try context.pathParameter("id"))
        guard let team = try await store.team(id: id) else { throw APIError.notFound("Team") }
        try policy.authorize(identity, action, .team(id), concealing: "Team")
        return team
    }

    /// A member must be an existing, enabled staff user; customers cannot join teams.
    private func validMember(
        _ rawUserID: String, _ rawRole: String, userField: String, roleField: String
    ) async throws -> TeamMember {
        let role = try Validators.oneOf(rawRole, as: TeamRole.self, field: roleField)
        guard let user = try await store.user(id: UserID(rawUserID)) else {
            throw APIError(.unprocessableContent, code: "unknown_user", message: "No such user.", field: userField)
        }
        guard user.role.isStaff else {
            throw APIError(.unprocessableContent, code: "invalid", message: "Customers cannot join teams.", field: userField)
        }
        guard !user.disabled else {
            throw APIError(.unprocessableContent, code: "invalid", message: "Disabled users cannot join teams.", field: userField)
        }
        if role == .supervisor && user.role < .supervisor {
            throw APIError(
                .unprocessableContent, code: "invalid", message: "Only a supervisor or admin can supervise a team.",
                field: roleField)
        }
        return TeamMember(userID: user.id, role: role)
    }
}
