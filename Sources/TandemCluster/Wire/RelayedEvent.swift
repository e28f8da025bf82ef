// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemActors
import TandemCore

/// A ``LiveEvent`` in a form that crosses nodes (JSON). Every case and field is kept.
struct RelayedEvent: Codable, Sendable, Hashable {
    var type: String
    var topic: String?
    var reply: SubscribeReply?
    var audience: Audience?
    var queueSnapshot: QueueSnapshot?
    var ref: String?
    var op: TicketOp?
    var client: String?
    var seq: Int64?
    var version: Int64?
    var presence: Presence?
    var user: UserID?
    var connection: SubscriberAddress?
    var replying: Bool?
    var update: QueueUpdate?
    var notification: UserNotification?
    var unread: Int?
    var reason: String?
    var attachment: Attachment?

    private init(_ type: String, topic: String?) {
        self.type = type
        self.topic = topic
    }

    init(_ event: LiveEvent) {
        switch event {
        case .subscribed(let topic, let reply, let audience, let ref):
            self.init("subscribed", topic: topic)
            self.reply = reply
            self.audience = audience
            self.ref = ref
        case .queueSnapshot(let topic, let snapshot, let ref):
            self.init("queueSnapshot", topic: topic)
            self.queueSnapshot = snapshot
            self.ref = ref
        case .op(let topic, let op):
            self.init("op", topic: topic)
            self.op = op
        case .ack(let topic, let client, let seq, let version):
            self.init("ack", topic: topic)
            self.client = client
            self.seq = seq
            self.version = version
        case .presence(let topic, let presence):
            self.init("presence", topic: topic)
            self.presence = presence
        case .presenceLeft(let topic, let user, let connection):
            self.init("presenceLeft", topic: topic)
            self.user = user
            self.connection = connection
        case .agentActivity(let topic, let replying):
            self.init("agentActivity", topic: topic)
            self.replying = replying
        case .attachment(let topic, let attachment):
            self.init("attachment", topic: topic)
            self.attachment = attachment
        case .queue(let topic, let update):
            self.init("queue", topic: topic)
            self.update = update
        case .notification(let notification, let unread):
            self.init("notification", topic: nil)
            self.notification = notification
            self.unread = unread
        case .resync(let topic, let reason):
            self.init("resync", topic: topic)
            self.reason = reason
        case .unsubscribed(let topic, let reason):
            self.init("unsubscribed", topic: topic)
            self.reason = reason
        }
    }

    /// The event again, or `nil` when a field it needs is missing.
    var event: LiveEvent? {
        switch type {
        case "subscribed":
            if let topic, let reply, let audience {
                .subscribed(topic: topic, reply: reply, audience: audience, ref: ref)
            } else {
                nil
            }
        case "queueSnapshot": topic.flatMap { t in queueSnapshot.map { .queueSnapshot(topic: t, snapshot: $0, ref: ref) } }
        case "op": topic.flatMap { t in op.map { .op(topic: t, op: $0) } }
        case "ack": topic.flatMap { t in version.map { .ack(topic: t, client: client, seq: seq, version: $0) } }
        case "presence": topic.flatMap { t in presence.map { .presence(topic: t, presence: $0) } }
        case "presenceLeft":
            if let topic, let user, let connection {
                .presenceLeft(topic: topic, user: user, connection: connection)
            } else {
                nil
            }
        case "agentActivity": topic.flatMap { t in replying.map { .agentActivity(topic: t, replying: $0) } }
        case "attachment": topic.flatMap { t in attachment.map { .attachment(topic: t, attachment: $0) } }
        case "queue": topic.flatMap { t in update.map { .queue(topic: t, update: $0) } }
        case "notification": notification.map { .notification($0, unread: unread ?? 0) }
        case "resync": topic.map { .resync(topic: $0, reason: reason ?? "") }
        case "unsubscribed": topic.map { .unsubscribed(topic: $0, reason: reason ?? "") }
        default: nil
        }
    }
}
