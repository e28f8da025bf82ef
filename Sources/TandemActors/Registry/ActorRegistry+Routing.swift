// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// Calls to placed actors, wherever they are active.
///
/// Each ticket and team actor is active on one node: the one holding its lease. A call
/// runs on the local actor when this node holds the lease; otherwise this node takes the
/// lease if it is free, or relays the call to the owner and waits for its answer. While
/// an owner is unreachable (it died and its lease has not expired yet) the call retries
/// until ``ClusterSeams/takeoverWait`` has passed, then fails with `unavailable`. A call
/// that was on its way when the owner died is retried too when it is
/// ``ActorCall/isRepeatable``.
extension ActorRegistry {
    /// The durable ticket as `principal` may see it.
    public func view(_ id: TicketID, for principal: Principal) async throws(TicketActorError) -> TicketView {
        guard case .view(let view) = try await call(.ticket(id, .view(principal))) else { throw Self.mismatch }
        return view
    }

    /// Subscribes a connection to a ticket; the reply is also delivered to the connection.
    @discardableResult
    public func subscribe(_ id: TicketID, _ request: SubscribeRequest) async throws(TicketActorError) -> SubscribeReply {
        guard case .subscribed(let reply) = try await call(.ticket(id, .subscribe(request))) else { throw Self.mismatch }
        return reply
    }

    /// Ends a connection's ticket subscription. Does not activate the ticket.
    public func unsubscribe(_ id: TicketID, _ address: SubscriberAddress) async {
        await notify(.ticket(id, .unsubscribe(address)), waiting: true)
    }

    /// Submits a change; with `atCurrentVersion` it is based on the ticket's version when it arrives.
    public func submit(
        _ id: TicketID, _ request: SubmitRequest, atCurrentVersion: Bool = false
    ) async throws(TicketActorError) -> SubmitReply {
        let value = try await call(.ticket(id, .submit(request, atCurrentVersion: atCurrentVersion)))
        guard case .submitted(let reply) = value else { throw Self.mismatch }
        return reply
    }

    /// Records a connection's presence on a ticket.
    public func updatePresence(_ id: TicketID, _ update: PresenceUpdate) async throws(TicketActorError) {
        _ = try await call(.ticket(id, .presence(update)))
    }

    /// Tells the ticket's subscribers who may see it that `attachment` was stored. Fire and
    /// forget: the attachment is stored already, and a subscriber that misses this sees it
    /// in the ticket's attachment list.
    public func attachmentAdded(_ attachment: Attachment) async {
        await notify(.ticket(attachment.ticket, .attachmentAdded(attachment)), waiting: false)
    }

    /// Keeps a connection's presence alive. Fire and forget; does not activate the ticket.
    public func touch(_ id: TicketID, _ address: SubscriberAddress) async {
        await notify(.ticket(id, .touch(address)), waiting: false)
    }

    /// Re-checks a subscriber whose permissions changed; whether it may still read the ticket.
    public func recheck(_ id: TicketID, _ address: SubscriberAddress, principal: Principal) async throws(TicketActorError) -> Bool
    {
        guard case .allowed(let allowed) = try await call(.ticket(id, .recheck(address, principal))) else {
            throw Self.mismatch
        }
        return allowed
    }

    /// Subscribes a connection to a team queue; the queue is also delivered to the connection.
    @discardableResult
    public func subscribeQueue(
        _ team: TeamID?, _ subscriber: SubscriberInfo, principal: Principal, ref: String?
    ) async throws(TicketActorError) -> QueueSnapshot {
        let value = try await call(.team(team, .subscribe(subscriber, principal: principal, ref: ref)))
        guard case .queue(let snapshot) = value else { throw Self.mismatch }
        return snapshot
    }

    /// Ends a connection's queue subscription. Does not activate the queue.
    public func unsubscribeQueue(_ team: TeamID?, _ address: SubscriberAddress) async {
        await notify(.team(team, .unsubscribe(address)), waiting: true)
    }

    // MARK: Routing

    /// Runs `call` on the actor's node: here when this node owns it (taking the lease if it
    /// is free), else relayed to the owner.
    public func call(_ call: ActorCall) async throws(TicketActorError) -> ActorCallValue {
        let key = call.key
        let placement = cluster.placement
        let deadline = ContinuousClock.now + cluster.takeoverWait
        var pause = Duration.milliseconds(20)
        var attempts = 0
        while true {
            attempts += 1
            let owner: String
            if placement.holds(key) {
                owner = node
            } else {
                do {
                    owner = try await placement.claim(key)
                } catch  where error.isSettling && ContinuousClock.now + pause < deadline {
                    // The owner, if any, takes its lease back within a third of the lease time.
                    try? await Task.sleep(for: pause)
                    pause = min(pause * 2, .milliseconds(500))
                    continue
                } catch {
                    throw .unavailable("\(error)")
                }
            }
            if owner == node {
                do {
                    return try await runLocally(call)
                } catch .inactive where attempts < 3 || ContinuousClock.now < deadline {
                    // Passivated, fenced by another writer or the lease was lost meanwhile: look again.
                    continue
                }
            }
            let result: ActorCallResult
            do {
                result = try await cluster.relay.call(call, on: owner)
            } catch {
                // The owner is gone (unreachable, or it stopped with the call: ended): its lease
                // runs out within the lease time. A lost call is sent again only if repeating
                // it is harmless; otherwise the caller learns that its outcome is unknown. A
                // subscription whose owner's run ended is sent again: no reply of that run can follow.
                let retry =
                    error.kind == .unreachable || ((error.kind == .lost || error.kind == .ended) && call.isRepeatable)
                    || (error.kind == .ended && call.isSubscription)
                guard retry, ContinuousClock.now + pause < deadline else {
                    throw .unavailable("\(error)")
                }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
                continue
            }
            switch result {
            case .success(let value):
                return value
            case .failure(let error):
                if case .inactive = error, attempts < 3 || ContinuousClock.now < deadline { continue }
                throw error
            case .notOwner:
                guard ContinuousClock.now + pause < deadline else { throw .unavailable("node \(owner) gave the actor up") }
                try? await Task.sleep(for: pause)
                pause = min(pause * 2, .milliseconds(500))
            }
        }
    }

    /// Serves a call relayed from another node: runs it if this node owns the actor.
    public func handleRelayed(_ call: ActorCall) async -> ActorCallResult {
        guard cluster.placement.holds(call.key) else {
            // Unsubscribes and heartbeats for an actor that is gone need no answer but "done".
            if case .ticket(_, .unsubscribe) = call { return .success(.none) }
            if case .team(_, .unsubscribe) = call { return .success(.none) }
            return .notOwner
        }
        do {
            return .success(try await runLocally(call))
        } catch {
            return .failure(error)
        }
    }

    /// Sends a call that must not activate anything: to the local actor if it is active,
    /// else to the owner if there is one.
    func notify(_ call: ActorCall, waiting: Bool) async {
        let key = call.key
        if cluster.placement.holds(key) {
            if isActive(key) { _ = try? await runLocally(call) }
            return
        }
        guard cluster.isClustered, let owner = try? await cluster.placement.owner(of: key), owner != node else { return }
        if waiting {
            _ = try? await cluster.relay.call(call, on: owner)
        } else {
            cluster.relay.send(call, to: owner)
        }
    }

    /// Runs `call` on this node's actor, activating it if needed.
    func runLocally(_ call: ActorCall) async throws(TicketActorError) -> ActorCallValue {
        switch call {
        case .ticket(let id, let message):
            let actor = try await ticket(id)
            do {
                return try await Self.run(message, on: actor)
            } catch .inactive {
                forget(id, actor)
                throw .inactive
            }
        case .team(let id, let message):
            let actor = try await team(id)
            let now = clock.now()
            switch message {
            case .subscribe(let subscriber, let principal, let ref):
                return .queue(try await actor.subscribe(subscriber, principal: principal, now: now, ref: ref))
            case .unsubscribe(let address):
                await actor.unsubscribe(address, now: now)
                return .none
            case .ticketChanged(let summary):
                await actor.ticketChanged(summary)
                return .none
            }
        }
    }

    private static func run(_ message: TicketCall, on actor: TicketActor) async throws(TicketActorError) -> ActorCallValue {
        switch message {
        case .view(let principal):
            return .view(try await actor.view(for: principal))
        case .subscribe(let request):
            return .subscribed(try await actor.subscribe(request))
        case .unsubscribe(let address):
            await actor.unsubscribe(address)
            return .none
        case .submit(var request, let atCurrentVersion):
            if atCurrentVersion { request.baseVersion = await actor.version }
            return .submitted(try await actor.submit(request))
        case .presence(let update):
            try await actor.updatePresence(update)
            return .none
        case .touch(let address):
            await actor.touch(address)
            return .none
        case .recheck(let address, let principal):
            return .allowed(await actor.recheck(address, principal: principal))
        case .publishDue:
            try await actor.publishDueReplies(now: actor.context.clock.now())
            return .none
        case .attachmentAdded(let attachment):
            await actor.attachmentAdded(attachment)
            return .none
        }
    }

    /// Takes the lease on `key` for a local activation, or refuses when another node owns it.
    func claimLocally(_ key: ActorKey) async throws(TicketActorError) {
        let placement = cluster.placement
        guard !placement.holds(key) else { return }
        let owner: String
        do {
            owner = try await placement.claim(key)
        } catch {
            throw .unavailable("\(error)")
        }
        guard owner == node else { throw .unavailable("\(key) is active on node \(owner)") }
    }

    private static var mismatch: TicketActorError { .unavailable("unexpected reply from the actor") }
}
