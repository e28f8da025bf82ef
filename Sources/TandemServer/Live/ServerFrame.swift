// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import NIOCore
import TandemActors
import TandemCore

/// Encodes server frames as JSON text, once per frame: the same buffer is then
/// handed to every connection that receives it.
enum ServerFrame {
    /// One encoder for every frame: its options never change after this.
    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.withoutEscapingSlashes]
        return encoder
    }()

    private static func encode(_ value: some Encodable) -> ByteBuffer {
        // Every frame type is a plain value type of strings, numbers and arrays: encoding cannot fail.
        let data = (try? encoder.encode(value)) ?? Data(#"{"type":"error","code":"internal","message":"encoding failed"}"#.utf8)
        return ByteBuffer(bytes: data)
    }

    static func event(_ event: LiveEvent) -> ByteBuffer {
        switch event {
        case .subscribed(let topic, let reply, _, let ref):
            subscribed(topic: topic, reply: reply, ref: ref)
        case .queueSnapshot(let topic, let snapshot, let ref):
            queue(topic: topic, snapshot: snapshot, ref: ref)
        case .op(let topic, let op):
            encode(OpFrame(topic: topic, op: op))
        case .ack(let topic, let client, let seq, let version):
            ack(topic: topic, client: client, seq: seq, version: version)
        case .presence(let topic, let presence):
            encode(PresenceFrame(topic: topic, presence: presence))
        case .presenceLeft(let topic, let user, let connection):
            encode(PresenceLeftFrame(topic: topic, user: user, connection: connection.description))
        case .agentActivity(let topic, let replying):
            encode(AgentActivityFrame(topic: topic, replying: replying))
        case .queue(let topic, let update):
            encode(QueueUpdateFrame(topic: topic, update: update))
        case .attachment(let topic, let attachment):
            encode(AttachmentFrame(topic: topic, attachment: AttachmentResource(attachment)))
        case .notification(let notification, let unread):
            encode(NotificationFrame(notification: notification, unread: unread))
        case .resync(let topic, let reason):
            encode(TopicReasonFrame(type: .resync, topic: topic, reason: reason))
        case .unsubscribed(let topic, let reason):
            encode(TopicReasonFrame(type: .unsubscribed, topic: topic, reason: reason))
        }
    }

    /// An `ack`, written directly: it is the frame of every op, and the same JSON as
    /// ``AckFrame`` encoded (HotPathFrameTests hold the two against each other).
    static func ack(topic: String, client: String?, seq: Int64?, version: Int64) -> ByteBuffer {
        var buffer = ByteBuffer()
        buffer.reserveCapacity(56 + topic.utf8.count + (client?.utf8.count ?? 0))
        buffer.writeStaticString(#"{"type":"ack","topic":"#)
        JSONText.write(topic, to: &buffer)
        if let client {
            buffer.writeStaticString(#","client":"#)
            JSONText.write(client, to: &buffer)
        }
        if let seq {
            buffer.writeStaticString(#","seq":"#)
            buffer.writeString(String(seq))
        }
        buffer.writeStaticString(#","v":"#)
        buffer.writeString(String(version))
        buffer.writeStaticString("}")
        return buffer
    }

    /// The `ack` frame as ``JSONEncoder`` writes it (tests compare ``ack(topic:client:seq:version:)`` with it).
    static func encodedAck(topic: String, client: String?, seq: Int64?, version: Int64) -> ByteBuffer {
        encode(AckFrame(topic: topic, client: client, seq: seq, v: version))
    }

    static func hello(user: User, connection: SubscriberAddress, heartbeatSeconds: Int) -> ByteBuffer {
        encode(
            HelloFrame(
                user: .init(id: user.id, name: user.name, role: user.role), connection: connection.description,
                heartbeat: heartbeatSeconds))
    }

    static func subscribed(topic: String, reply: SubscribeReply, ref: String?) -> ByteBuffer {
        switch reply {
        case .snapshot(let view, let presence):
            encode(SnapshotFrame(topic: topic, ref: ref, v: view.version, ticket: view, presence: presence))
        case .ops(let ops, let version, let presence):
            encode(CatchUpFrame(topic: topic, ref: ref, v: version, ops: ops, presence: presence))
        }
    }

    static func queue(topic: String, snapshot: QueueSnapshot, ref: String?) -> ByteBuffer {
        encode(QueueSnapshotFrame(topic: topic, ref: ref, snapshot: snapshot))
    }

    static func notifications(_ items: [UserNotification], unread: Int, ref: String?) -> ByteBuffer {
        encode(NotificationsFrame(topic: "notifications", ref: ref, unread: unread, items: items))
    }

    static func unsubscribedReply(topic: String, ref: String?) -> ByteBuffer {
        encode(TopicReasonFrame(type: .unsubscribed, topic: topic, reason: "requested", ref: ref))
    }

    static func error(_ error: ProtocolError) -> ByteBuffer {
        encode(ErrorFrame(code: error.code, message: error.message, ref: error.ref, topic: error.topic, seq: error.seq))
    }

    static func pong(ref: String?) -> ByteBuffer { encode(PongFrame(ref: ref)) }

    /// The `type` of every frame the server sends (docs/PROTOCOL.md §3.3); ProtocolContractTests
    /// holds this list against the document and the web client.
    enum Kind: String, Encodable, CaseIterable {
        case hello, snapshot, ops, queue, notifications, unsubscribed, pong, error
        case op, ack, presence, presenceLeft = "presence_left", agentActivity = "agent_activity"
        case queueUpdate = "queue_update", notification, resync, attachment
    }

    // MARK: Frame shapes

    private struct OpFrame: Encodable {
        var type = Kind.op
        var topic: String
        var op: TicketOp
    }
    private struct AckFrame: Encodable {
        var type = Kind.ack
        var topic: String
        var client: String?
        var seq: Int64?
        var v: Int64
    }
    private struct PresenceFrame: Encodable {
        var type = Kind.presence
        var topic: String
        var presence: Presence
    }
    private struct PresenceLeftFrame: Encodable {
        var type = Kind.presenceLeft
        var topic: String
        var user: UserID
        var connection: String
    }
    private struct AgentActivityFrame: Encodable {
        var type = Kind.agentActivity
        var topic: String
        var replying: Bool
    }
    private struct AttachmentFrame: Encodable {
        var type = Kind.attachment
        var topic: String
        var attachment: AttachmentResource
    }
    private struct QueueUpdateFrame: Encodable {
        var type = Kind.queueUpdate
        var topic: String
        var update: QueueUpdate
    }
    private struct QueueSnapshotFrame: Encodable {
        var type = Kind.queue
        var topic: String
        var ref: String?
        var snapshot: QueueSnapshot
    }
    private struct NotificationFrame: Encodable {
        var type = Kind.notification
        var topic = "notifications"
        var notification: UserNotification
        var unread: Int
    }
    private struct NotificationsFrame: Encodable {
        var type = Kind.notifications
        var topic: String
        var ref: String?
        var unread: Int
        var items: [UserNotification]
    }
    private struct TopicReasonFrame: Encodable {
        var type: Kind
        var topic: String
        var reason: String
        var ref: String?
    }
    private struct HelloFrame: Encodable {
        struct Me: Encodable {
            var id: UserID
            var name: String
            var role: Role
        }
        var type = Kind.hello
        var protocolVersion = 1
        var user: Me
        var connection: String
        var heartbeat: Int
    }
    private struct SnapshotFrame: Encodable {
        var type = Kind.snapshot
        var topic: String
        var ref: String?
        var v: Int64
        var ticket: TicketView
        var presence: [Presence]
    }
    private struct CatchUpFrame: Encodable {
        var type = Kind.ops
        var topic: String
        var ref: String?
        var v: Int64
        var ops: [TicketOp]
        var presence: [Presence]
    }
    private struct ErrorFrame: Encodable {
        var type = Kind.error
        var code: String
        var message: String
        var ref: String?
        var topic: String?
        var seq: Int64?
    }
    private struct PongFrame: Encodable {
        var type = Kind.pong
        var ref: String?
    }
}
