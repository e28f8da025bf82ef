// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Hummingbird
import TandemActors
import TandemCore
import TandemStore

/// `/api/v1/tickets`: create, list and search, read, update, comment.
///
/// Reads and writes of one ticket go through its ``TicketActor``, the same single
/// writer the WebSocket protocol uses.
struct TicketsController {
    typealias Context = TandemRequestContext
    let store: any TandemStore
    let registry: ActorRegistry
    let policy: AccessPolicy
    let clock: any TandemClock
    let limits: TicketLimits
    let cursors: CursorSeal
    /// "Ticket received" e-mail to the requester.
    let mail: NotificationMailer
    let ids = IdentifierGenerator()

    func addRoutes(to group: RouterGroup<Context>) {
        group.get(use: list)
        group.post(use: create)
        group.get(":id", use: read)
        group.patch(":id", use: update)
        group.post(":id/comments", use: comment)
        group.post(":id/comments/:commentId/undo", use: undo)
        group.get(":id/history", use: history)
    }

    @Sendable func create(_ request: Request, context: Context) async throws -> Response {
        let identity = try context.requireIdentity()
        try policy.authorize(identity, .createTicket, .system)
        let body = try await request.decodeBody(CreateTicketRequest.self, context: context)
        let staff = identity.user.role.isStaff
        let subject = try Validators.name(body.subject, field: "subject", maxLength: FieldLimits.subjectScalars)
        guard body.description.unicodeScalars.count <= limits.maxTextScalars else {
            throw APIError(.unprocessableContent, code: "too_long", message: "description is too long.", field: "description")
        }
        let priority = try body.priority.map { try Validators.oneOf($0, as: TicketPriority.self, field: "priority") } ?? .normal
        var requester = identity.user.id
        var team: TeamID?
        if !staff && (body.team != nil || body.requester != nil) {
            throw APIError.forbidden("Customers cannot choose the team or the requester.")
        }
        if let raw = body.requester {
            guard let customer = try await store.user(id: UserID(raw)), customer.role == .customer, !customer.disabled else {
                throw APIError(.unprocessableContent, code: "unknown_user", message: "No such customer.", field: "requester")
            }
            requester = customer.id
        }
        if let raw = body.team {
            guard try await store.team(id: TeamID(raw)) != nil else {
                throw APIError(.unprocessableContent, code: "unknown_team", message: "No such team.", field: "team")
            }
            team = TeamID(raw)
            if identity.user.role != .admin && !identity.principal.isMember(of: TeamID(raw)) {
                throw APIError.forbidden("You may only file tickets into your own teams.")
            }
        }
        var tags: Set<String> = []
        if let given = body.tags, !given.isEmpty {
            guard staff else {
                throw APIError(.unprocessableContent, code: "invalid", message: "Only staff may tag tickets.", field: "tags")
            }
            try Validators.count(given, atMost: FieldLimits.tagsPerRequest, field: "tags")
            for (index, tag) in given.enumerated() { tags.insert(try Validators.tag(tag, field: "tags[\(index)]")) }
        }
        guard tags.count <= limits.maxTags else {
            throw APIError(.unprocessableContent, code: "too_many", message: "At most \(limits.maxTags) tags.", field: "tags")
        }
        let now = clock.now()
        let ticket = try await store.createTicket(
            Ticket(
                id: ids.make("tkt", at: UInt64(now.millisecondsSince1970)), subject: subject,
                description: body.description, priority: priority, requester: requester, team: team, tags: tags,
                createdAt: now))
        await registry.ticketCreated(ticket)
        await mail.ticketReceived(ticket)
        var response = try TicketResource(TicketView(ticket, audience: staff ? .staff : .public))
            .response(from: request, context: context)
        response.status = .created
        response.headers[.location] = "/api/v1/tickets/\(ticket.id)"
        return response
    }

    @Sendable func list(_ request: Request, context: Context) async throws -> PageResource<TicketSummaryResource> {
        let identity = try context.requireIdentity()
        let query = request.uri.queryParameters
        var filter = TicketFilter()
        if let raw = query["status"] {
            filter.statuses = Set(
                try raw.split(separator: ",").map {
                    try Validators.oneOf(String($0), as: TicketStatus.self, field: "status")
                })
        }
        if let raw = query["priority"] {
            filter.priority = try Validators.oneOf(String(raw), as: TicketPriority.self, field: "priority")
        }
        if let raw = query["team"] { filter.team = TeamID(String(raw)) }
        if let raw = query["assignee"] { filter.assignee = raw == "none" ? .some(nil) : .some(UserID(String(raw))) }
        if let raw = query["requester"] { filter.requester = UserID(String(raw)) }
        if let raw = query["tag"] { filter.tag = TagOperation.normalize(String(raw)) }
        if let raw = SearchText.query(request.uri) {
            let words = raw.trimmingWhitespace()
            if !words.isEmpty { filter.query = words }
        }
        switch identity.user.role {
        case .customer:
            filter.requester = identity.user.id
            filter.publicOnly = true
            filter.team = nil
            filter.assignee = nil
            filter.tag = nil
        case .agent, .supervisor:
            filter.visibleTeams = Set(identity.principal.teams.keys)
        case .admin:
            break
        }
        let page = try await store.listTickets(filter, page: try pageRequest(from: request, cursors: cursors))
        let audience: Audience = identity.user.role.isStaff ? .staff : .public
        return PageResource(
            items: page.items.map { TicketSummaryResource($0, audience: audience) }, nextCursor: cursors.seal(page.nextCursor))
    }

    @Sendable func read(_ request: Request, context: Context) async throws -> TicketResource {
        let identity = try context.requireIdentity()
        let id = try await ticketID(context)
        return TicketResource(try await readable(id, identity))
    }

    /// The ticket the path names: by id (`tkt_…`) or by number (`1042`); 404 for a number no
    /// ticket has.
    private func ticketID(_ context: Context) async throws -> TicketID {
        let segment = try context.pathParameter("id")
        guard let number = TicketNumberQuery.number(inPath: segment) else { return TicketID(segment) }
        guard let id = try await store.ticketID(number: number) else { throw APIError.notFound("Ticket") }
        return id
    }

    /// The ticket's view if the caller may read it; otherwise 404, so ids cannot be probed.
    private func readable(_ id: TicketID, _ identity: AuthenticatedIdentity) async throws -> TicketView {
        do {
            return try await run { () async throws(TicketActorError) in
                try await registry.view(id, for: identity.principal)
            }
        } catch let error as APIError where error.status == .forbidden {
            throw APIError.notFound("Ticket")
        }
    }

    @Sendable func history(_ request: Request, context: Context) async throws -> PageResource<HistoryResource> {
        let view = try await read(request, context: context)
        return PageResource(items: view.ticket.history.map(HistoryResource.init), nextCursor: nil)
    }

    @Sendable func update(_ request: Request, context: Context) async throws -> TicketResource {
        let identity = try context.requireIdentity()
        let id = try await ticketID(context)
        _ = try await readable(id, identity)
        let body = try await request.decodeBody(UpdateTicketRequest.self, context: context)
        var changes: [TicketChange] = []
        if let subject = body.subject { changes.append(.subject(subject)) }
        if let status = body.status {
            changes.append(.status(try Validators.oneOf(status, as: TicketStatus.self, field: "status")))
        }
        if let priority = body.priority {
            changes.append(.priority(try Validators.oneOf(priority, as: TicketPriority.self, field: "priority")))
        }
        if let team = body.team {
            if !team.isEmpty, try await store.team(id: TeamID(team)) == nil {
                throw APIError(.unprocessableContent, code: "unknown_team", message: "No such team.", field: "team")
            }
            changes.append(.team(team.isEmpty ? nil : TeamID(team)))
        }
        if let assignee = body.assignee {
            if !assignee.isEmpty {
                guard let user = try await store.user(id: UserID(assignee)), user.role.isStaff, !user.disabled else {
                    throw APIError(
                        .unprocessableContent, code: "unknown_user", message: "The assignee must be an active agent.",
                        field: "assignee")
                }
            }
            changes.append(.assignee(assignee.isEmpty ? nil : UserID(assignee)))
        }
        if body.addTags != nil || body.removeTags != nil {
            var lists: [String: Set<String>] = [:]
            for (field, given) in [("addTags", body.addTags ?? []), ("removeTags", body.removeTags ?? [])] {
                try Validators.count(given, atMost: FieldLimits.tagsPerRequest, field: field)
                lists[field] = Set(try given.enumerated().map { try Validators.tag($1, field: "\(field)[\($0)]") })
            }
            changes.append(.tags(try TagOperation(adding: lists["addTags"] ?? [], removing: lists["removeTags"] ?? [])))
        }
        guard !changes.isEmpty else {
            throw APIError(.unprocessableContent, code: "required", message: "Give at least one field to change.")
        }
        // One submission: the fields change together or, if one is refused, not at all.
        let submission = SubmitRequest(
            actor: ActingUser(principal: identity.principal, name: identity.user.name), client: nil, seq: nil, baseVersion: 0,
            request: changes.count == 1 ? .change(changes[0]) : .changes(changes), replyTo: nil)
        _ = try await run { () async throws(TicketActorError) in
            try await registry.submit(id, submission, atCurrentVersion: true)
        }
        return try await read(request, context: context)
    }

    @Sendable func comment(_ request: Request, context: Context) async throws -> Response {
        let identity = try context.requireIdentity()
        let id = try await ticketID(context)
        _ = try await readable(id, identity)
        let body = try await request.decodeBody(CommentRequestBody.self, context: context)
        let visibility = try body.visibility.map { try Validators.oneOf($0, as: Visibility.self, field: "visibility") } ?? .public
        if let mentions = body.mentions {
            try Validators.count(mentions, atMost: FieldLimits.mentionsPerComment, field: "mentions")
            for (index, mention) in mentions.enumerated() { try Validators.identifier(mention, field: "mentions[\(index)]") }
        }
        let fromDraft = body.fromDraft ?? false
        guard fromDraft || !(body.body ?? "").trimmingWhitespace().isEmpty else {
            throw APIError(.unprocessableContent, code: "required", message: "body is required.", field: "body")
        }
        let comment = CommentRequest(
            body: body.body ?? "", visibility: visibility, mentions: (body.mentions ?? []).map(UserID.init), fromDraft: fromDraft,
            confirmInternal: body.confirmInternal ?? false)
        let actorIdentity = ActingUser(principal: identity.principal, name: identity.user.name)
        let submission = SubmitRequest(
            actor: actorIdentity, client: nil, seq: nil, baseVersion: 0, request: .comment(comment), replyTo: nil)
        _ = try await run { () async throws(TicketActorError) in
            try await registry.submit(id, submission, atCurrentVersion: true)
        }
        var response = try await read(request, context: context).response(from: request, context: context)
        response.status = .created
        return response
    }

    /// Takes back a public reply inside its undo window; its text goes back into the reply draft.
    @Sendable func undo(_ request: Request, context: Context) async throws -> TicketResource {
        let identity = try context.requireIdentity()
        let id = try await ticketID(context)
        let comment = CommentID(try context.parameters.require("commentId"))
        _ = try await readable(id, identity)
        let submission = SubmitRequest(
            actor: ActingUser(principal: identity.principal, name: identity.user.name), client: nil, seq: nil, baseVersion: 0,
            request: .undoReply(comment), replyTo: nil)
        _ = try await run { () async throws(TicketActorError) in
            try await registry.submit(id, submission, atCurrentVersion: true)
        }
        return try await read(request, context: context)
    }

    /// Runs a call to a ticket's actor (on whichever node it is active), mapping refusals to API errors.
    private func run<T: Sendable>(_ body: () async throws(TicketActorError) -> T) async throws -> T {
        do {
            return try await body()
        } catch {
            throw APIError(error)
        }
    }
}

extension APIError {
    /// Maps a ticket actor's refusal to an HTTP error (a refused read is a 404, hiding the ticket).
    init(_ error: TicketActorError) {
        switch error {
        case .notFound: self = .notFound("Ticket")
        case .forbidden(let reason):
            self = .forbidden(reason)
        case .futureVersion, .versionTooOld, .staleSequence, .inactive, .notSubscribed:
            self.init(.conflict, code: "version_conflict", message: "The ticket changed meanwhile; retry.")
        case .invalid(let ticketError) where ticketError.isDraftRefusal:
            self.init(.conflict, code: ticketError.code, message: ticketError.message)
        case .invalid(let ticketError):
            self.init(.unprocessableContent, code: ticketError.code, message: ticketError.message)
        case .unavailable:
            self.init(.serviceUnavailable, code: "store_unavailable", message: "The change was not saved; try again shortly.")
        }
    }
}
