//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import HummingbirdWebSocket
import Logging
import NIOCore
import TandemActors
import TandemCore
import TandemStore

extension LiveService {
    /// Handles one client frame. Every failure becomes an error frame; nothing changes on failure.
    func handle(
        _ text: String, state: ConnectionState, connection: Connection, outbound: WebSocketOutboundWriter,
        logger: Logger
    ) async {
        let frame: ClientFrame
        let ref: String?
        do {
            (frame, ref) = try ClientFrame.decode(text)
        } catch {
            reject(error, state, connection)
            return
        }
        if case .auth(let token) = frame {
            await Self.inChildTask { await authenticate(token, ref: ref, state: state, connection: connection) }
            return
        }
        guard let identity = state.identity else {
            reject(ProtocolError(.unauthenticated, "Authenticate first.", ref: ref), state, connection)
            return
        }
        switch frame {
        case .auth:
            return
        case .ping:
            // Only a presence has anything to keep alive: other subscriptions cost a ping nothing.
            for case .ticket(let id) in state.presentTopics {
                await registry.touch(id, connection.address)
            }
            connection.enqueue(ServerFrame.pong(ref: ref), topic: nil)
        case .subscribe(let topic, let version):
            await Self.inChildTask {
                await subscribe(topic, from: version, ref: ref, identity: identity, state: state, connection: connection)
            }
        case .unsubscribe(let topic):
            guard state.contains(topic) else {
                reject(ProtocolError(.notSubscribed, "Not subscribed to \(topic).", ref: ref, topic: "\(topic)"), state, connection)
                return
            }
            await leave(topic, state: state, connection: connection)
            connection.enqueue(ServerFrame.unsubscribedReply(topic: "\(topic)", ref: ref), topic: nil)
        case .op(let topic, let client, let seq, let version, let request):
            await submit(
                topic, client: client, seq: seq, version: version, request: request, ref: ref, identity: identity,
                state: state, connection: connection)
        case .presence(let topic, let presenceState, let field, let selection, let version):
            guard case .ticket(let id) = topic, state.contains(topic) else {
                reject(ProtocolError(.notSubscribed, "Subscribe to the ticket first.", ref: ref, topic: "\(topic)"), state, connection)
                return
            }
            if await registry.session(identity.user.id).spend(now: clock.now()) != .allowed {
                connection.enqueue(
                    ServerFrame.error(ProtocolError(.rateLimited, "Too many messages; slow down.", ref: ref, topic: "\(topic)")),
                    topic: nil)
                return
            }
            let update = PresenceUpdate(
                subscriber: subscriber(identity, connection), state: presenceState, field: field, selection: selection,
                version: version)
            do {
                try await registry.updatePresence(id, update)
                state.markPresent(topic)
            } catch {
                reject(ProtocolError(error, ref: ref, topic: "\(topic)"), state, connection)
            }
        }
    }

    /// Runs one-off deep work (authenticate, subscribe) in a child task: the task-allocator
    /// slabs its async frames need are freed when it ends, instead of staying with the
    /// connection's long-lived reader task for the connection's whole life.
    static func inChildTask(_ body: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask(operation: body)
        }
    }

    private func authenticate(_ token: String, ref: String?, state: ConnectionState, connection: Connection) async {
        guard state.identity == nil else {
            reject(ProtocolError(.invalidMessage, "Already authenticated.", ref: ref), state, connection)
            return
        }
        guard let (user, session) = try? await auth.authenticate(accessToken: token),
            let teams = try? await store.memberships(of: user.id)
        else {
            connection.enqueue(ServerFrame.error(ProtocolError(.unauthenticated, "The token is invalid, expired or revoked.", ref: ref)), topic: nil)
            connection.signal(.close(code: CloseCode.sessionRevoked, reason: "authentication failed"))
            return
        }
        let identity = AuthenticatedIdentity(
            user: user, session: session, principal: Principal(userID: user.id, role: user.role, teams: teams),
            credential: .bearer)
        await authenticated(identity, state: state, connection: connection)
    }

    func subscriber(_ identity: AuthenticatedIdentity, _ connection: Connection) -> SubscriberInfo {
        SubscriberInfo(
            address: connection.address, user: identity.user.id, name: identity.user.name,
            audience: identity.user.role.isStaff ? .staff : .public)
    }

    private func subscribe(
        _ topic: Topic, from version: Int64?, ref: String?, identity: AuthenticatedIdentity, state: ConnectionState,
        connection: Connection
    ) async {
        // Subscribing again to a held topic is how a client resyncs: it is allowed and refreshes the start point.
        if let refused = state.add(topic, limit: settings.maxSubscriptions), refused != .alreadySubscribed {
            let message = "At most \(settings.maxSubscriptions) subscriptions per connection."
            reject(ProtocolError(refused, message, ref: ref, topic: "\(topic)"), state, connection)
            return
        }
        connection.resume(topic: "\(topic)")
        do {
            switch topic {
            case .ticket(let id):
                let request = SubscribeRequest(
                    subscriber: subscriber(identity, connection), principal: identity.principal, fromVersion: version,
                    ref: ref)
                // The actor delivers the reply itself, ahead of any broadcast.
                try await registry.subscribe(id, request)
            case .team(let id):
                try await registry.subscribeQueue(
                    id, subscriber(identity, connection), principal: identity.principal, ref: ref)
            case .notifications:
                await registry.session(identity.user.id).subscribeNotifications(connection.address)
                guard let frame = await notificationsFrame(of: identity.user.id, ref: ref) else {
                    // An empty list would read as "no notifications": say that it cannot be read.
                    await leave(topic, state: state, connection: connection)
                    let message = "Notifications cannot be read now; subscribe again later."
                    reject(ProtocolError(.unavailable, message, ref: ref, topic: "\(topic)"), state, connection)
                    return
                }
                connection.enqueue(frame, topic: nil)
            }
        } catch {
            // The calls throw only TicketActorError. A failure also ends a previous registration.
            await leave(topic, state: state, connection: connection)
            if case .forbidden = error, case .ticket = topic {
                // Like REST, a ticket you may not read does not exist for you.
                reject(ProtocolError(.notFound, "No such ticket.", ref: ref, topic: "\(topic)"), state, connection)
            } else {
                reject(ProtocolError(error, ref: ref, topic: "\(topic)"), state, connection)
            }
        }
    }

    /// Ends a subscription on the actor's side.
    func leave(_ topic: Topic, state: ConnectionState, connection: Connection) async {
        state.remove(topic)
        switch topic {
        case .ticket(let id):
            await registry.unsubscribe(id, connection.address)
        case .team(let id):
            await registry.unsubscribeQueue(id, connection.address)
        case .notifications:
            if let identity = state.identity {
                await registry.session(identity.user.id).unsubscribeNotifications(connection.address)
            }
        }
    }

    private func submit(
        _ topic: Topic, client: String, seq: Int64, version: Int64, request: ChangeRequest, ref: String?,
        identity: AuthenticatedIdentity, state: ConnectionState, connection: Connection
    ) async {
        let topicName = "\(topic)"
        guard case .ticket(let id) = topic else {
            reject(ProtocolError(.invalidMessage, "Operations go to ticket topics.", ref: ref, topic: topicName, seq: seq), state, connection)
            return
        }
        guard state.contains(topic) else {
            reject(ProtocolError(.notSubscribed, "Subscribe to the ticket first.", ref: ref, topic: topicName, seq: seq), state, connection)
            return
        }
        switch await registry.session(identity.user.id).spend(now: clock.now()) {
        case .allowed:
            break
        case .limited:
            connection.enqueue(
                ServerFrame.error(ProtocolError(.rateLimited, "Too many operations; slow down and resend.", ref: ref, topic: topicName, seq: seq)),
                topic: nil)
            return
        case .abusive:
            connection.signal(.close(code: CloseCode.rateLimited, reason: "rate limit"))
            return
        }
        guard state.beginSubmission() else {
            let error = ProtocolError(.unavailable, "The server is shutting down; resend after reconnecting.", ref: ref, topic: topicName, seq: seq)
            connection.enqueue(ServerFrame.error(error), topic: nil)
            return
        }
        defer { state.endSubmission() }
        let submission = SubmitRequest(
            actor: ActingUser(principal: identity.principal, name: identity.user.name), client: client, seq: seq,
            baseVersion: version, request: request, replyTo: connection.address)
        do {
            _ = try await registry.submit(id, submission)
        } catch {
            connection.enqueue(ServerFrame.error(ProtocolError(error, ref: ref, topic: topicName, seq: seq)), topic: nil)
        }
    }

    /// The user's 20 newest notifications and unread count as a `notifications` frame; nil
    /// when the store cannot read them.
    func notificationsFrame(of user: UserID, ref: String?) async -> ByteBuffer? {
        do {
            let page = try await store.notifications(of: user, unreadOnly: false, page: PageRequest(limit: 20))
            return ServerFrame.notifications(page.items, unread: try await store.unreadCount(of: user), ref: ref)
        } catch {
            return nil
        }
    }

    /// Re-reads the user's account and teams and drops what they may no longer see; sends
    /// the notifications again.
    func recheck(state: ConnectionState, connection: Connection, logger: Logger) async {
        guard let identity = state.identity else { return }
        let found: (user: User?, session: Session?, teams: [TeamID: TeamRole])
        do {
            found = (
                try await store.user(id: identity.user.id), try await store.session(id: identity.session.id),
                try await store.memberships(of: identity.user.id)
            )
        } catch {
            // The store cannot say: keep the connection as it is (a revocation cannot have been
            // written either); the next re-check decides.
            logger.warning("re-check skipped: store unavailable", metadata: ["error": "\(error)"])
            return
        }
        guard let user = found.user, !user.disabled, let session = found.session, session.isActive(at: clock.now()) else {
            connection.signal(.close(code: CloseCode.sessionRevoked, reason: "session ended"))
            return
        }
        let teams = found.teams
        let principal = Principal(userID: user.id, role: user.role, teams: teams)
        var updated = identity
        updated.user = user
        updated.principal = principal
        state.identity = updated
        for topic in state.topics {
            let allowed: Bool
            switch topic {
            case .ticket(let id):
                do {
                    allowed = try await registry.recheck(id, connection.address, principal: principal)
                } catch {
                    // The ticket cannot answer now (moving between nodes, store down). Its frames
                    // stop here, and the client's resubscription is authorized afresh.
                    logger.warning("subscription re-check failed", metadata: ["topic": "\(topic)", "error": "\(error)"])
                    connection.resync(topic: "\(topic)", reason: "recheck")
                    allowed = true
                }
            case .team(let id?):
                allowed = policy.decide(principal, .readTeam, .team(id)).isAllowed
            case .team(nil):
                allowed = principal.role.isStaff
            case .notifications:
                // A notification pushed while this node missed events (or any other) is in the
                // store: send the list and count again, which replace the client's.
                allowed = true
                if let frame = await notificationsFrame(of: user.id, ref: nil) { connection.enqueue(frame, topic: nil) }
            }
            if !allowed {
                await leave(topic, state: state, connection: connection)
                connection.enqueue(ServerFrame.event(.unsubscribed(topic: "\(topic)", reason: "forbidden")), topic: nil)
                logger.info("subscription revoked", metadata: ["topic": "\(topic)"])
            }
        }
    }
}
