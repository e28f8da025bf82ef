// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import NIOCore
import TandemActors
import TandemCore
import TandemStore

extension LiveSession {
    /// Handles one client frame. Every failure becomes an error frame; nothing changes on failure.
    func handle(_ text: String) async {
        let frame: ClientFrame
        let ref: String?
        do {
            (frame, ref) = try ClientFrame.decode(text)
        } catch {
            reject(error)
            return
        }
        if case .auth(let token) = frame {
            await Self.inChildTask { await self.authenticate(token, ref: ref) }
            return
        }
        guard let identity else {
            reject(ProtocolError(.unauthenticated, "Authenticate first.", ref: ref))
            return
        }
        switch frame {
        case .auth:
            return
        case .ping:
            // Only a presence has anything to keep alive: other subscriptions cost a ping nothing.
            for case .ticket(let id) in subscriptions.present {
                await service.registry.touch(id, connection.address)
            }
            connection.enqueue(ServerFrame.pong(ref: ref), topic: nil)
        case .subscribe(let topic, let version):
            await Self.inChildTask { await self.subscribe(topic, from: version, ref: ref, identity: identity) }
        case .unsubscribe(let topic):
            guard holds(topic) else {
                reject(ProtocolError(.notSubscribed, "Not subscribed to \(topic).", ref: ref, topic: "\(topic)"))
                return
            }
            await leave(topic)
            connection.enqueue(ServerFrame.unsubscribedReply(topic: "\(topic)", ref: ref), topic: nil)
        case .op(let topic, let client, let seq, let version, let request):
            await submit(topic, client: client, seq: seq, version: version, request: request, ref: ref, identity: identity)
        case .presence(let topic, let presenceState, let field, let selection, let version):
            guard case .ticket(let id) = topic, holds(topic) else {
                reject(ProtocolError(.notSubscribed, "Subscribe to the ticket first.", ref: ref, topic: "\(topic)"))
                return
            }
            if await service.registry.session(identity.user.id).spend(now: service.clock.now()) != .allowed {
                connection.enqueue(
                    ServerFrame.error(ProtocolError(.rateLimited, "Too many messages; slow down.", ref: ref, topic: "\(topic)")),
                    topic: nil)
                return
            }
            let update = PresenceUpdate(
                subscriber: subscriber(identity), state: presenceState, field: field, selection: selection,
                version: version)
            do {
                try await service.registry.updatePresence(id, update)
                markPresent(topic)
            } catch {
                reject(ProtocolError(error, ref: ref, topic: "\(topic)"))
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

    private func authenticate(_ token: String, ref: String?) async {
        guard identity == nil else {
            reject(ProtocolError(.invalidMessage, "Already authenticated.", ref: ref))
            return
        }
        guard let (user, session) = try? await service.auth.authenticate(accessToken: token),
            let teams = try? await service.store.memberships(of: user.id)
        else {
            connection.enqueue(
                ServerFrame.error(ProtocolError(.unauthenticated, "The token is invalid, expired or revoked.", ref: ref)),
                topic: nil)
            close(code: CloseCode.sessionRevoked, reason: "authentication failed")
            return
        }
        let identity = AuthenticatedIdentity(
            user: user, session: session, principal: Principal(userID: user.id, role: user.role, teams: teams),
            credential: .bearer)
        await authenticated(identity)
    }

    func subscriber(_ identity: AuthenticatedIdentity) -> SubscriberInfo {
        SubscriberInfo(
            address: connection.address, user: identity.user.id, name: identity.user.name,
            audience: identity.user.role.isStaff ? .staff : .public)
    }

    private func subscribe(_ topic: Topic, from version: Int64?, ref: String?, identity: AuthenticatedIdentity) async {
        let registry = service.registry
        // Subscribing again to a held topic is how a client resyncs: it is allowed and refreshes the start point.
        if let refused = addSubscription(topic), refused != .alreadySubscribed {
            let message = "At most \(service.settings.maxSubscriptions) subscriptions per connection."
            reject(ProtocolError(refused, message, ref: ref, topic: "\(topic)"))
            return
        }
        connection.resume(topic: "\(topic)")
        do {
            switch topic {
            case .ticket(let id):
                let request = SubscribeRequest(
                    subscriber: subscriber(identity), principal: identity.principal, fromVersion: version, ref: ref)
                // The actor delivers the reply itself, ahead of any broadcast.
                try await registry.subscribe(id, request)
            case .team(let id):
                try await registry.subscribeQueue(id, subscriber(identity), principal: identity.principal, ref: ref)
            case .notifications:
                await registry.session(identity.user.id).subscribeNotifications(connection.address)
                guard let frame = await notificationsFrame(of: identity.user.id, ref: ref) else {
                    // An empty list would read as "no notifications": say that it cannot be read.
                    await leave(topic)
                    let message = "Notifications cannot be read now; subscribe again later."
                    reject(ProtocolError(.unavailable, message, ref: ref, topic: "\(topic)"))
                    return
                }
                connection.enqueue(frame, topic: nil)
            }
        } catch {
            // The calls throw only TicketActorError. A failure also ends a previous registration.
            await leave(topic)
            if case .forbidden = error, case .ticket = topic {
                // Like REST, a ticket you may not read does not exist for you.
                reject(ProtocolError(.notFound, "No such ticket.", ref: ref, topic: "\(topic)"))
            } else {
                reject(ProtocolError(error, ref: ref, topic: "\(topic)"))
            }
        }
    }

    /// Ends a subscription on the actor's side.
    func leave(_ topic: Topic) async {
        removeSubscription(topic)
        switch topic {
        case .ticket(let id):
            await service.registry.unsubscribe(id, connection.address)
        case .team(let id):
            await service.registry.unsubscribeQueue(id, connection.address)
        case .notifications:
            if let identity {
                await service.registry.session(identity.user.id).unsubscribeNotifications(connection.address)
            }
        }
    }

    private func submit(
        _ topic: Topic, client: String, seq: Int64, version: Int64, request: ChangeRequest, ref: String?,
        identity: AuthenticatedIdentity
    ) async {
        let topicName = "\(topic)"
        guard case .ticket(let id) = topic else {
            reject(ProtocolError(.invalidMessage, "Operations go to ticket topics.", ref: ref, topic: topicName, seq: seq))
            return
        }
        guard holds(topic) else {
            reject(ProtocolError(.notSubscribed, "Subscribe to the ticket first.", ref: ref, topic: topicName, seq: seq))
            return
        }
        switch await service.registry.session(identity.user.id).spend(now: service.clock.now()) {
        case .allowed:
            break
        case .limited:
            connection.enqueue(
                ServerFrame.error(
                    ProtocolError(
                        .rateLimited, "Too many operations; slow down and resend.", ref: ref, topic: topicName, seq: seq)),
                topic: nil)
            return
        case .abusive:
            close(code: CloseCode.rateLimited, reason: "rate limit")
            return
        }
        let submission = SubmitRequest(
            actor: ActingUser(principal: identity.principal, name: identity.user.name), client: client, seq: seq,
            baseVersion: version, request: request, replyTo: connection.address)
        guard beginSubmission() else {
            let error = ProtocolError(
                .unavailable, "The server is shutting down; resend after reconnecting.", ref: ref, topic: topicName, seq: seq)
            connection.enqueue(ServerFrame.error(error), topic: nil)
            return
        }
        defer { endSubmission() }
        do {
            _ = try await service.registry.submit(id, submission)
        } catch {
            connection.enqueue(ServerFrame.error(ProtocolError(error, ref: ref, topic: topicName, seq: seq)), topic: nil)
        }
    }

    /// The user's 20 newest notifications and unread count as a `notifications` frame; nil
    /// when the store cannot read them.
    func notificationsFrame(of user: UserID, ref: String?) async -> ByteBuffer? {
        do {
            let page = try await service.store.notifications(of: user, unreadOnly: false, page: PageRequest(limit: 20))
            return ServerFrame.notifications(page.items, unread: try await service.store.unreadCount(of: user), ref: ref)
        } catch {
            return nil
        }
    }
}
