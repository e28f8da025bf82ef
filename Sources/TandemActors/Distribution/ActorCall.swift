// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// A message to a ticket actor, as a value: run here, or relayed to the node that owns the ticket.
public enum TicketCall: Codable, Sendable, Hashable {
    /// The ticket as `principal` may see it (REST reads).
    case view(Principal)
    case subscribe(SubscribeRequest)
    case unsubscribe(SubscriberAddress)
    /// A submission; with `atCurrentVersion` its base is the ticket's version when it arrives (REST changes).
    case submit(SubmitRequest, atCurrentVersion: Bool)
    case presence(PresenceUpdate)
    /// A heartbeat that keeps a connection's presence alive.
    case touch(SubscriberAddress)
    /// Re-checks a subscriber whose permissions changed.
    case recheck(SubscriberAddress, Principal)
    /// Publishes the pending replies whose undo window has passed (sent by the sweep of due replies).
    case publishDue
    /// An attachment was stored for the ticket: tell the subscribers who may see it.
    case attachmentAdded(Attachment)
}

/// A message to a team queue actor.
public enum TeamCall: Codable, Sendable, Hashable {
    case subscribe(SubscriberInfo, principal: Principal, ref: String?)
    case unsubscribe(SubscriberAddress)
    /// A ticket of the queue changed (sent by the ticket's owner after a commit).
    case ticketChanged(TicketSummary)
}

/// A message to one placed actor.
public enum ActorCall: Codable, Sendable, Hashable {
    case ticket(TicketID, TicketCall)
    case team(TeamID?, TeamCall)

    /// The actor it goes to.
    public var key: ActorKey {
        switch self {
        case .ticket(let id, _): .ticket(id)
        case .team(let id, _): .team(id)
        }
    }

    /// Whether running the call twice has the effect of running it once, so that a call
    /// whose reply was lost with its node may be sent again. Not so for a submission
    /// without a client sequence (REST changes and comments: the actor recognises a resend
    /// only by its `(client, seq)`), nor for a subscription, whose reply the actor delivers
    /// to the connection itself: a second one would reach the client twice.
    public var isRepeatable: Bool {
        switch self {
        case .ticket(_, .submit(let request, _)): request.client != nil && request.seq != nil
        case .ticket(_, .subscribe), .team(_, .subscribe): false
        default: true
        }
    }

    /// Whether the call subscribes a connection (its reply is delivered to the connection).
    /// One whose node's run ended before answering is sent again: nothing more arrives from
    /// that run, so the connection gets the reply of the second one only.
    public var isSubscription: Bool {
        switch self {
        case .ticket(_, .subscribe), .team(_, .subscribe): true
        default: false
        }
    }

    /// The connection and `ref` a subscription's reply is delivered with.
    public var subscriptionReply: (address: SubscriberAddress, ref: String)? {
        switch self {
        case .ticket(_, .subscribe(let request)): request.ref.map { (request.subscriber.address, $0) }
        case .team(_, .subscribe(let subscriber, _, let ref)): ref.map { (subscriber.address, $0) }
        default: nil
        }
    }
}

/// What an actor answered.
public enum ActorCallValue: Codable, Sendable, Hashable {
    case none
    case view(TicketView)
    case subscribed(SubscribeReply)
    case submitted(SubmitReply)
    case allowed(Bool)
    case queue(QueueSnapshot)
}

/// The outcome of an ``ActorCall`` on the node that received it.
public enum ActorCallResult: Codable, Sendable, Hashable {
    case success(ActorCallValue)
    case failure(TicketActorError)
    /// The receiving node does not own the actor (any more): look the owner up again.
    case notOwner
}
