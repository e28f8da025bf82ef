// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// What an actor sends to subscribers. The protocol layer encodes each event
/// once and hands the same bytes to every addressed connection.
public enum LiveEvent: Sendable, Hashable {
    /// The start of a ticket subscription (snapshot or catch-up), delivered before any broadcast;
    /// `audience` says which view of the ticket the subscriber gets from here on.
    case subscribed(topic: String, reply: SubscribeReply, audience: Audience, ref: String?)
    /// The start of a queue subscription.
    case queueSnapshot(topic: String, snapshot: QueueSnapshot, ref: String?)
    /// A committed ticket operation (already filtered for the audience).
    case op(topic: String, op: TicketOp)
    /// The acknowledgement of the addressee's own operation.
    case ack(topic: String, client: String?, seq: Int64?, version: Int64)
    /// Someone's presence on a ticket changed (staff audience).
    case presence(topic: String, presence: Presence)
    /// Someone left a ticket.
    case presenceLeft(topic: String, user: UserID, connection: SubscriberAddress)
    /// Whether any agent is typing a reply (the customer's coarse view of presence).
    case agentActivity(topic: String, replying: Bool)
    /// An attachment was stored for the ticket (sent only to subscribers who may see it).
    case attachment(topic: String, attachment: Attachment)
    /// A team queue changed.
    case queue(topic: String, update: QueueUpdate)
    /// A notification for the addressee.
    case notification(UserNotification, unread: Int)
    /// The subscriber missed events (slow consumer, store failure, new owner): resubscribe from its version.
    case resync(topic: String, reason: String)
    /// The subscription ended because permissions changed.
    case unsubscribed(topic: String, reason: String)
}
