// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Synchronization
import TandemActors
import TandemRedis

/// A node's link to the others through Redis pub/sub: the ``ActorRelay`` (calls with a
/// correlation id and a timeout), the ``NodeEventBus``, and the transport of events for
/// subscribers on other nodes (see ``ClusterDelivery``).
///
/// Each node listens on `tandem:node:<node>` and on `tandem:events`. Everything one node
/// sends another — deliveries, calls, replies — goes through one ordered outbox and one
/// publisher, so it arrives in the order it was sent: a subscription's first reply before
/// the operations after it, an acknowledgement after the operations before it, a call's
/// reply after the events the call caused. Messages are numbered per destination; a gap
/// (pub/sub is at-most-once), a restarted sender or a reconnect to Redis makes this node
/// tell its affected connections to `resync`, and they catch up from their version.
public final class ClusterNode: ActorRelay, NodeEventBus, Sendable {
    public let settings: ClusterSettings
    let redis: RedisClient
    let subscriber: RedisSubscriber
    /// This node's connections.
    let local: any EventDelivery
    let logger: Logger
    /// One line per repeating failure (Redis away: every batch fails) instead of hundreds.
    private let quiet = LogThrottle(interval: .seconds(10))
    private let state = Mutex(State())
    private let wakeups: AsyncStream<Void>
    private let wake: AsyncStream<Void>.Continuation

    struct State: ~Copyable {
        var outbox: [Outgoing] = []
        var sending = SendSequencer()
        var receiving = LinkSequencer()
        var remote = RemoteSubscriptions()
        var pending: [UInt64: Pending] = [:]
        /// Subscriptions whose call failed while their reply may still be on its way: the reply
        /// is dropped, so that the connection gets an error or a reply for a `ref`, never both.
        var refusedReplies = RefusedReplies()
        var nextCall: UInt64 = 1
        var callHandler: (@Sendable (ActorCall) async -> ActorCallResult)?
        var eventHandler: (@Sendable (NodeEvent) async -> Void)?
    }

    struct Outgoing {
        var node: String
        var bytes: [UInt8]
        var call: UInt64?
    }

    struct Pending {
        var node: String
        /// The sequence number of the call's message to `node`.
        var seq: UInt64
        /// A subscription's connection and `ref`, and its reply once that has passed through.
        var subscription: ReplyKey?
        var delivered: ActorCallValue?
        var continuation: CheckedContinuation<Result<ActorCallResult, RelayError>, Never>
    }

    public init(
        settings: ClusterSettings, redis: RedisClient, subscriber: RedisSubscriber, local: any EventDelivery, logger: Logger
    ) {
        self.settings = settings
        self.redis = redis
        self.subscriber = subscriber
        self.local = local
        var logger = logger
        logger[metadataKey: "node"] = "\(settings.node)"
        self.logger = logger
        (wakeups, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    // MARK: ActorRelay

    public func call(_ call: ActorCall, on node: String) async throws(RelayError) -> ActorCallResult {
        let id = state.withLock { state in
            defer { state.nextCall += 1 }
            return state.nextCall
        }
        let body = NodeMessage.call(id: id, call, trace: TraceContext.traceID).encoded()
        let timeout = Task { [weak self, timeout = settings.callTimeout] in
            try await Task.sleep(for: timeout)
            self?.complete(id, .failure(RelayError(.timeout, node: node)))
        }
        defer { timeout.cancel() }
        let result = await withCheckedContinuation { continuation in
            let queued = state.withLock { state in
                let seq = enqueue(&state, to: node, body: body, call: id)
                state.pending[id] = Pending(
                    node: node, seq: seq ?? 0,
                    subscription: call.subscriptionReply.map { ReplyKey(address: $0.address, ref: $0.ref) },
                    continuation: continuation)
                return seq != nil
            }
            if queued {
                wake.yield()
            } else {
                complete(id, .failure(RelayError(.unreachable, node: node)))
            }
        }
        let reply = try result.get()
        track(call, on: node, result: reply)
        return reply
    }

    public func send(_ call: ActorCall, to node: String) {
        let body = NodeMessage.call(id: 0, call, trace: TraceContext.traceID).encoded()
        state.withLock { enqueue(&$0, to: node, body: body, call: nil) }
        wake.yield()
    }

    public func nodesRunning(_ running: Set<String>) {
        let stopped = state.withLock { state in
            Set(state.pending.values.map(\.node)).union(state.remote.owners.map(\.owner)).subtracting(running)
        }
        for node in stopped {
            logger.notice("node stopped: its calls fail and its subscriptions resync", metadata: ["stopped": "\(node)"])
            failPending(to: node, kind: .ended)
            resync(servedBy: node, reason: "owner_changed", ended: true)
        }
    }

    public func serve(_ handler: @escaping @Sendable (ActorCall) async -> ActorCallResult) async {
        state.withLock { $0.callHandler = handler }
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        state.withLock { $0.callHandler = nil }
    }

    // MARK: NodeEventBus

    public func publish(_ event: NodeEvent) async throws(RelayError) {
        guard let payload = try? Array(JSONEncoder().encode(event)) else { return }
        do {
            try await redis.publish(payload, to: ClusterKeys.events)
        } catch {
            throw RelayError(.unreachable, node: "*")
        }
    }

    public func serve(_ handler: @escaping @Sendable (NodeEvent) async -> Void) async {
        state.withLock { $0.eventHandler = handler }
        while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        state.withLock { $0.eventHandler = nil }
    }

    // MARK: Deliveries

    /// Queues `event` for connections on other nodes, one message per node, in call order.
    func relay(_ event: LiveEvent, to connections: [String: [UInt64]]) {
        let relayed = RelayedEvent(event)
        state.withLock { state in
            for (node, ids) in connections {
                enqueue(&state, to: node, body: NodeMessage.deliver(relayed, connections: ids).encoded(), call: nil)
            }
        }
        wake.yield()
    }

    /// Tests: loses the next message to `node`, as Redis pub/sub may.
    func loseNextMessage(to node: String) {
        state.withLock { _ = $0.sending.take(for: node) }
    }

    /// Appends a message for `node` with the next sequence number, which it returns. A full
    /// outbox drops the message (`nil`); the number is used anyway, so that the receiver sees the gap.
    @discardableResult
    private func enqueue(_ state: inout State, to node: String, body: [UInt8], call: UInt64?) -> UInt64? {
        let seq = state.sending.take(for: node)
        guard state.outbox.count < settings.outboxLimit else { return nil }
        let bytes = NodeEnvelope.encode(
            from: settings.node, epoch: settings.epoch, seq: seq, firstReceived: state.receiving.firstReceived(from: node),
            body: body)
        state.outbox.append(Outgoing(node: node, bytes: bytes, call: call))
        return seq
    }

    // MARK: Pending calls

    /// Ends a pending call. A subscription that fails after its reply reached the connection
    /// succeeded with that reply (the actor holds the subscriber); one that fails before may
    /// still get its reply later, which is then dropped (unless the node's run ended: no more
    /// messages come from it, and the call is sent again).
    private func complete(_ id: UInt64, _ result: Result<ActorCallResult, RelayError>) {
        let outcome = state.withLock { state -> (Pending, Result<ActorCallResult, RelayError>)? in
            guard let pending = state.pending.removeValue(forKey: id) else { return nil }
            guard case .failure(let error) = result, let subscription = pending.subscription else { return (pending, result) }
            if let delivered = pending.delivered { return (pending, .success(.success(delivered))) }
            if error.kind != .ended { state.refusedReplies.insert(subscription) }
            return (pending, result)
        }
        if let (pending, result) = outcome { pending.continuation.resume(returning: result) }
    }

    /// Fails the calls waiting for `node` (every node when `nil`): their replies may be lost.
    /// With `before`, only those sent to `node` with a lower sequence number: the later ones
    /// reached its current run, which answers them.
    private func failPending(to node: String?, before: UInt64? = nil, kind: RelayError.Kind = .lost) {
        let failed = state.withLock { state in
            state.pending.filter { node == nil || ($0.value.node == node && $0.value.seq < before ?? .max) }
        }
        for (id, pending) in failed { complete(id, .failure(RelayError(kind, node: pending.node))) }
    }

    /// Remembers which local connections hold subscriptions served by another node.
    private func track(_ call: ActorCall, on node: String, result: ActorCallResult) {
        let succeeded = if case .success = result { true } else { false }
        state.withLock { state in
            switch call {
            case .ticket(let id, .subscribe(let request)) where succeeded:
                let topic = ActorKey.ticket(id).topic
                state.remote.add(request.subscriber.address, topic: topic, owner: node)
                if case .success(.subscribed(let reply)) = result { state.remote.observe(reply, topic: topic) }
            case .team(let team, .subscribe(let subscriber, _, _)) where succeeded:
                state.remote.add(subscriber.address, topic: ActorKey.team(team).topic, owner: node)
            case .ticket(let id, .unsubscribe(let address)):
                state.remote.remove(address, topic: ActorKey.ticket(id).topic)
            case .team(let team, .unsubscribe(let address)):
                state.remote.remove(address, topic: ActorKey.team(team).topic)
            default:
                break
            }
        }
    }

    /// Tells the local subscribers of actors served by `node` (all when `nil`) to resync. When
    /// `node`'s run `ended`, they first learn that its viewers left: the presence the owner
    /// held died with it.
    private func resync(servedBy node: String?, reason: String, ended: Bool = false) {
        let taken = state.withLock { $0.remote.take(servedBy: node) }
        for (topic, entry) in taken {
            if ended, let node { leave(viewersOn: node, topic: topic, entry: entry) }
            local.deliver(.resync(topic: topic, reason: reason), to: Array(entry.addresses))
        }
        if !taken.isEmpty {
            logger.notice(
                "subscriptions resynced", metadata: ["from": "\(node ?? "*")", "reason": "\(reason)", "topics": "\(taken.count)"])
        }
    }

    /// Tells the subscribers of `entry` that the viewers on `node`, which stopped, left `topic`.
    private func leave(viewersOn node: String, topic: String, entry: RemoteSubscriptions.Entry) {
        for (connection, user) in entry.present where connection.node == node {
            local.deliver(.presenceLeft(topic: topic, user: user, connection: connection), to: Array(entry.addresses))
        }
    }

    // MARK: Loops

    /// Publishes the outbox in order, in pipelined batches.
    func runPublisher() async {
        for await _ in wakeups {
            while true {
                let batch: [Outgoing] = state.withLock { state in
                    let count = min(state.outbox.count, 512)
                    defer { state.outbox.removeFirst(count) }
                    return Array(state.outbox.prefix(count))
                }
                guard !batch.isEmpty else { break }
                let commands = batch.map { RedisCommand("PUBLISH", ClusterKeys.channel(of: $0.node), $0.bytes) }
                do {
                    let replies = try await redis.pipeline(commands)
                    // Nobody listens on that node's channel: its calls fail now instead of timing out.
                    for (item, reply) in zip(batch, replies) where reply.integer == 0 {
                        if let id = item.call { complete(id, .failure(RelayError(.unreachable, node: item.node))) }
                    }
                } catch {
                    quiet.log(
                        .warning, "relay publish failed", metadata: ["error": "\(error)", "messages": "\(batch.count)"],
                        to: logger)
                    for item in batch {
                        if let id = item.call { complete(id, .failure(RelayError(.unreachable, node: item.node))) }
                    }
                }
            }
        }
    }

    /// Receives this node's channel and the events channel.
    func runSubscriber() async {
        do {
            try await subscriber.subscribe([ClusterKeys.channel(of: settings.node), ClusterKeys.events])
        } catch {
            // The channels stay wanted: they are subscribed when Redis answers again.
            logger.warning("relay not subscribed yet", metadata: ["error": "\(error)"])
        }
        for await event in subscriber.events {
            switch event {
            case .message(let message) where message.channel == ClusterKeys.events:
                guard let decoded = try? JSONDecoder().decode(NodeEvent.self, from: Data(message.payload)),
                    let handler = state.withLock({ $0.eventHandler })
                else { continue }
                await handler(decoded)
            case .message(let message):
                receive(message.payload)
            case .disconnected, .resubscribed, .dropped:
                // Anything may have been lost meanwhile, replies included.
                state.withLock { $0.receiving.reset() }
                failPending(to: nil)
                resync(servedBy: nil, reason: "relay_gap")
                // Node events too: once this node hears the bus again, its connections re-check
                // what a missed revocation or permission change would have told them.
                if case .disconnected = event { continue }
                if let handler = state.withLock({ $0.eventHandler }) { await handler(.eventsMissed) }
            }
        }
    }

    private func receive(_ bytes: [UInt8]) {
        guard let envelope = NodeEnvelope(bytes: bytes) else {
            logger.error("malformed relay message dropped", metadata: ["bytes": "\(bytes.count)"])
            return
        }
        let verdict = state.withLock { $0.receiving.receive(from: envelope.from, epoch: envelope.epoch, seq: envelope.seq) }
        switch verdict {
        case .inOrder: break
        case .gap:
            failPending(to: envelope.from)
            resync(servedBy: envelope.from, reason: "relay_gap")
        case .restarted:
            // The calls the old run received died with it; those that reached the new run are answered.
            failPending(to: envelope.from, before: envelope.firstReceived, kind: .ended)
            resync(servedBy: envelope.from, reason: "owner_changed", ended: true)
        }
        switch envelope.message {
        case .deliver(let relayed, let connections):
            guard let event = relayed.event else { return }
            var addresses = connections.map { SubscriberAddress(node: settings.node, connection: $0) }
            switch event {
            case .resync(let topic, _), .unsubscribed(let topic, _):
                state.withLock { state in for address in addresses { state.remote.remove(address, topic: topic) } }
            case .presence, .presenceLeft:
                state.withLock { $0.remote.observe(event) }
            case .subscribed(let topic, let reply, _, let ref):
                // Tracked from the reply on, not from the call's success: the presence events that
                // follow it may overtake the call's reply message.
                addresses = state.withLock { state in
                    let passing = ref.map { state.replyPassing(.subscribed(reply), ref: $0, to: addresses) } ?? addresses
                    for address in passing { state.remote.add(address, topic: topic, owner: envelope.from) }
                    state.remote.observe(reply, topic: topic)
                    return passing
                }
            case .queueSnapshot(_, let snapshot, let ref?):
                addresses = state.withLock { $0.replyPassing(.queue(snapshot), ref: ref, to: addresses) }
            default:
                break
            }
            guard !addresses.isEmpty else { return }
            local.deliver(event, to: addresses)
        case .reply(let id, let result):
            complete(id, .success(result))
        case .call(let id, let call, let trace):
            let handler = state.withLock { $0.callHandler }
            let from = envelope.from
            Task { [self] in
                let result = await TraceContext.$traceID.withValue(trace) { await handler?(call) ?? .notOwner }
                guard id != 0 else { return }
                let body = NodeMessage.reply(id: id, result).encoded()
                state.withLock { enqueue(&$0, to: from, body: body, call: nil) }
                wake.yield()
            }
        }
    }

    /// Resyncs local subscribers of actors whose lease moved away from the node serving them.
    func checkOwners() async {
        let owners = state.withLock { $0.remote.owners }
        guard !owners.isEmpty else { return }
        var command = RedisCommand("MGET")
        var keys: [(topic: String, owner: String)] = []
        for (topic, owner) in owners {
            guard let key = ActorKey(topic) else { continue }
            command.append(ClusterKeys.lease(key))
            keys.append((topic, owner))
        }
        guard let reply = try? await redis.send(command), let values = reply.array, values.count == keys.count else { return }
        var moved: [(topic: String, entry: RemoteSubscriptions.Entry, lapsed: Bool)] = []
        for ((topic, _), value) in zip(keys, values) {
            let current = value.string.map(ClusterKeys.node(ofToken:))
            guard let entry = state.withLock({ $0.remote.take(topic: topic, unlessOwnedBy: current) }) else { continue }
            moved.append((topic, entry, current == nil))
        }
        // A lease that lapsed with people present on its owner's node: if that node no longer
        // listens on its channel (a dead process's connections are closed), its viewers are gone.
        let suspects = Set(
            moved.filter { item in item.lapsed && item.entry.present.keys.contains { $0.node == item.entry.owner } }
                .map(\.entry.owner))
        let dead = await notListening(suspects)
        for (topic, entry, _) in moved {
            if dead.contains(entry.owner) { leave(viewersOn: entry.owner, topic: topic, entry: entry) }
            local.deliver(.resync(topic: topic, reason: "owner_changed"), to: Array(entry.addresses))
        }
    }

    /// The nodes among `nodes` with nobody subscribed to their channel.
    private func notListening(_ nodes: Set<String>) async -> Set<String> {
        guard !nodes.isEmpty else { return [] }
        let ordered = Array(nodes)
        var command = RedisCommand("PUBSUB", "NUMSUB")
        command.append(contentsOf: ordered.map(ClusterKeys.channel(of:)))
        // The reply alternates channel and count.
        guard let reply = try? await redis.send(command), let values = reply.array, values.count == 2 * ordered.count else {
            return []
        }
        return Set(ordered.indices.filter { values[2 * $0 + 1].integer == 0 }.map { ordered[$0] })
    }
}

extension ClusterNode.State {
    /// Notes a subscription reply on its way to `addresses`; returns those it may reach.
    mutating func replyPassing(_ value: ActorCallValue, ref: String, to addresses: [SubscriberAddress]) -> [SubscriberAddress] {
        addresses.filter { address in
            let key = ReplyKey(address: address, ref: ref)
            if refusedReplies.remove(key) { return false }
            if let id = pending.first(where: { $0.value.subscription == key })?.key { pending[id]?.delivered = value }
            return true
        }
    }
}

/// A subscription reply: the connection it goes to and the `ref` of its request.
struct ReplyKey: Hashable, Sendable {
    var address: SubscriberAddress
    var ref: String
}

/// The subscriptions whose late reply must be dropped, the most recent 1,024.
struct RefusedReplies: Sendable {
    private var keys: Set<ReplyKey> = []
    private var order: [ReplyKey] = []

    mutating func insert(_ key: ReplyKey) {
        guard keys.insert(key).inserted else { return }
        order.append(key)
        if order.count > 1_024 { keys.remove(order.removeFirst()) }
    }

    /// Whether `key` was refused; it is forgotten (one reply per `ref`).
    mutating func remove(_ key: ReplyKey) -> Bool {
        guard keys.remove(key) != nil else { return false }
        order.removeAll { $0 == key }
        return true
    }
}

/// The node's ``EventDelivery``: local connections directly, the others through their node's channel.
public struct ClusterDelivery: EventDelivery {
    let cluster: ClusterNode

    public init(_ cluster: ClusterNode) {
        self.cluster = cluster
    }

    public func deliver(_ event: LiveEvent, to subscribers: [SubscriberAddress]) {
        guard !subscribers.isEmpty else { return }
        let me = cluster.settings.node
        var local: [SubscriberAddress] = []
        var remote: [String: [UInt64]] = [:]
        for address in subscribers {
            if address.node == me { local.append(address) } else { remote[address.node, default: []].append(address.connection) }
        }
        if !local.isEmpty { cluster.local.deliver(event, to: local) }
        if !remote.isEmpty { cluster.relay(event, to: remote) }
    }
}
