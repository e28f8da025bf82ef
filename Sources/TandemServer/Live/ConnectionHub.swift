// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Metrics
import NIOCore
import Synchronization
import TandemActors
import TandemCore

/// This node's WebSocket connections, addressed by ``SubscriberAddress``.
///
/// As ``EventDelivery`` it encodes each event once and queues the same buffer on
/// every addressed connection; as ``ConnectionControl`` it passes close and
/// re-check requests to the connections' own loops.
public final class ConnectionHub: EventDelivery, ConnectionControl, Sendable {
    public let node: String
    let limits: OutboundLimits
    /// Cluster mode: ticket frames of the staff view are checked for gaps on their way out
    /// (``Connection/versionVerdict(_:version:isOp:)``). On one node ordering holds by construction.
    let checksVersions: Bool
    /// What every connection's queue together may hold.
    let budget: OutboundBudget
    private let connections = Mutex<[UInt64: Connection]>([:])
    /// Authenticated connections per user, and whose each admitted connection is.
    private let users = Mutex<(counts: [UserID: Int], owners: [UInt64: UserID])>(([:], [:]))
    private let nextID = Atomic<UInt64>(1)
    private let openGauge: Gauge
    private let resyncs: Counter
    private let delivered: Counter

    public init(
        node: String, limits: OutboundLimits = OutboundLimits(), checksVersions: Bool = false, metrics: any MetricsFactory
    ) {
        self.node = node
        self.limits = limits
        self.checksVersions = checksVersions
        self.budget = OutboundBudget(limit: limits.nodeBytes)
        self.openGauge = Gauge(label: "tandem_websocket_connections", factory: metrics)
        self.resyncs = Counter(label: "tandem_websocket_resyncs_total", factory: metrics)
        self.delivered = Counter(label: "tandem_websocket_frames_delivered_total", factory: metrics)
    }

    /// Registers a new connection.
    func open() -> Connection {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let resyncs = self.resyncs
        let connection = Connection(
            address: SubscriberAddress(node: node, connection: id), limits: limits, budget: budget,
            onResync: { resyncs.increment() })
        let count = connections.withLock { map in
            map[id] = connection
            return map.count
        }
        openGauge.record(count)
        return connection
    }

    /// Counts an authenticated connection against its user's cap (`live.maxConnectionsPerUser`,
    /// 0 for none); false, and not counted, when the user already has `cap` connections here.
    func admit(_ connection: Connection, user: UserID, cap: Int) -> Bool {
        users.withLock { users in
            let id = connection.address.connection
            if users.owners[id] == user { return true }
            let count = users.counts[user, default: 0]
            guard cap <= 0 || count < cap else { return false }
            users.counts[user] = count + 1
            users.owners[id] = user
            return true
        }
    }

    /// The user's authenticated connections on this node.
    func connections(of user: UserID) -> Int { users.withLock { $0.counts[user, default: 0] } }

    /// Forgets a closed connection.
    func remove(_ connection: Connection) {
        connection.discard()
        users.withLock { users in
            guard let user = users.owners.removeValue(forKey: connection.address.connection) else { return }
            let left = users.counts[user, default: 1] - 1
            users.counts[user] = left > 0 ? left : nil
        }
        let count = connections.withLock { map in
            map[connection.address.connection] = nil
            return map.count
        }
        openGauge.record(count)
    }

    /// Encodes and frames `event` once, queues the same bytes on every addressed connection,
    /// and schedules one drain per event loop for the connections that need one.
    public func deliver(_ event: LiveEvent, to subscribers: [SubscriberAddress]) {
        guard !subscribers.isEmpty else { return }
        let targets = connections.withLock { map in
            subscribers.compactMap { $0.node == node ? map[$0.connection] : nil }
        }
        if case .resync(let topic, let reason) = event {
            // The topic's frames stop here and now, not when the client reads this.
            for connection in targets { connection.resync(topic: topic, reason: reason) }
            delivered.increment(by: targets.count)
            return
        }
        let frame = OutboundFrame(text: ServerFrame.event(event))
        let droppable = event.droppableTopic
        var drains = DrainBatch()
        let check = checksVersions ? event.versionCheck : nil
        for connection in targets {
            // A reply that frames newer than itself overtook: it goes out, then the topic resyncs.
            var resyncAfter: String?
            if let check {
                switch check {
                case .reply(let topic, let version, let staff):
                    if !connection.track(topic, version: staff ? version : nil) { resyncAfter = topic }
                case .frame(let topic, let version, let isOp):
                    switch connection.versionVerdict(topic, version: version, isOp: isOp) {
                    case .deliver: break
                    case .drop: continue
                    case .gap:
                        connection.resync(topic: topic, reason: "relay_gap")
                        continue
                    }
                }
            }
            if let outlet = connection.enqueueDeferringDrain(frame, topic: droppable) { drains.add(outlet) }
            if let topic = resyncAfter { connection.resync(topic: topic, reason: "relay_gap") }
        }
        drains.run()
        delivered.increment(by: targets.count)
    }

    /// Bytes queued on all connections (metrics and tests).
    var queuedBytes: Int { budget.bytes }

    public func close(_ address: SubscriberAddress, code: UInt16, reason: String) {
        connection(address)?.signal(.close(code: code, reason: reason))
    }

    public func recheck(_ address: SubscriberAddress) {
        connection(address)?.signal(.recheck)
    }

    private func connection(_ address: SubscriberAddress) -> Connection? {
        guard address.node == node else { return nil }
        return connections.withLock { $0[address.connection] }
    }

    /// Closes every connection with `code` (graceful shutdown).
    public func closeAll(code: UInt16, reason: String) {
        for connection in connections.withLock({ Array($0.values) }) {
            connection.signal(.close(code: code, reason: reason))
        }
    }

    public var count: Int { connections.withLock { $0.count } }

    /// The channels of the open connections (tests: what a closed connection leaves in memory).
    func channels() async -> [any Channel] {
        var channels: [any Channel] = []
        for outlet in connections.withLock({ $0.values.compactMap(\.outlet) }) {
            let handler = outlet.handler
            if let channel = try? await outlet.eventLoop.submit({ handler.value.channel }).get() { channels.append(channel) }
        }
        return channels
    }
}

/// What the version check of a cluster node looks at in an event.
enum VersionCheck {
    /// A subscription reply at `version`; `staff` for the staff view, the one that sees every version.
    case reply(topic: String, version: Int64, staff: Bool)
    /// An operation or an acknowledgement of `version`.
    case frame(topic: String, version: Int64, isOp: Bool)
}

extension LiveEvent {
    var versionCheck: VersionCheck? {
        switch self {
        case .subscribed(let topic, .snapshot(let view, _), let audience, _):
            .reply(topic: topic, version: view.version, staff: audience == .staff)
        case .subscribed(let topic, .ops(_, let version, _), let audience, _):
            .reply(topic: topic, version: version, staff: audience == .staff)
        case .op(let topic, let op):
            .frame(topic: topic, version: op.version, isOp: true)
        case .ack(let topic, _, _, let version):
            .frame(topic: topic, version: version, isOp: false)
        default:
            nil
        }
    }

    /// The topic whose traffic this event belongs to, when it may be dropped for a resync.
    /// `presence_left` is never dropped: when a viewer's node died with the ticket's owner, the
    /// `presence_left` sent just before the resync is the only word of it (CLUSTER.md).
    var droppableTopic: String? {
        switch self {
        case .op(let topic, _), .ack(let topic, _, _, _), .presence(let topic, _), .agentActivity(let topic, _),
            .queue(let topic, _), .attachment(let topic, _):
            topic
        case .notification, .resync, .unsubscribed, .subscribed, .queueSnapshot, .presenceLeft:
            nil
        }
    }
}

/// Drains to run after a broadcast, grouped by event loop: one hop per loop, not per connection.
struct DrainBatch {
    private var loops: [(eventLoop: any EventLoop, writers: [NIOLoopBound<LiveChannelHandler>])] = []

    mutating func add(_ outlet: Connection.Outlet) {
        if let index = loops.firstIndex(where: { $0.eventLoop === outlet.eventLoop }) {
            loops[index].writers.append(outlet.handler)
        } else {
            loops.append((outlet.eventLoop, [outlet.handler]))
        }
    }

    func run() {
        for (eventLoop, writers) in loops {
            eventLoop.execute {
                for writer in writers { writer.value.drain() }
            }
        }
    }
}
