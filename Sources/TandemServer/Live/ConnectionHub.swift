//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Metrics
import NIOCore
import Synchronization
import TandemActors

/// This node's WebSocket connections, addressed by ``SubscriberAddress``.
///
/// As ``EventDelivery`` it encodes each event once and queues the same buffer on
/// every addressed connection; as ``ConnectionControl`` it passes close and
/// re-check requests to the connections' own loops.
public final class ConnectionHub: EventDelivery, ConnectionControl, Sendable {
    public let node: String
    let limits: OutboundLimits
    private let connections = Mutex<[UInt64: Connection]>([:])
    private let nextID = Atomic<UInt64>(1)
    private let openGauge: Gauge
    private let resyncs: Counter
    private let delivered: Counter

    public init(node: String, limits: OutboundLimits = OutboundLimits(), metrics: any MetricsFactory) {
        self.node = node
        self.limits = limits
        self.openGauge = Gauge(label: "tandem_websocket_connections", factory: metrics)
        self.resyncs = Counter(label: "tandem_websocket_resyncs_total", factory: metrics)
        self.delivered = Counter(label: "tandem_websocket_frames_delivered_total", factory: metrics)
    }

    /// Registers a new connection.
    func open() -> Connection {
        let id = nextID.add(1, ordering: .relaxed).oldValue
        let resyncs = self.resyncs
        let connection = Connection(
            address: SubscriberAddress(node: node, connection: id), limits: limits,
            onResync: { resyncs.increment() })
        let count = connections.withLock { map in
            map[id] = connection
            return map.count
        }
        openGauge.record(count)
        return connection
    }

    /// Forgets a closed connection.
    func remove(_ connection: Connection) {
        connection.close()
        let count = connections.withLock { map in
            map[connection.address.connection] = nil
            return map.count
        }
        openGauge.record(count)
    }

    public func deliver(_ event: LiveEvent, to subscribers: [SubscriberAddress]) {
        guard !subscribers.isEmpty else { return }
        let buffer = ServerFrame.event(event)
        let topic = event.droppableTopic
        let targets = connections.withLock { map in
            subscribers.compactMap { $0.node == node ? map[$0.connection] : nil }
        }
        for connection in targets { connection.enqueue(buffer, topic: topic) }
        delivered.increment(by: targets.count)
    }

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
}

extension LiveEvent {
    /// The topic whose traffic this event belongs to, when it may be dropped for a resync.
    var droppableTopic: String? {
        switch self {
        case .op(let topic, _), .ack(let topic, _, _, _), .presence(let topic, _), .presenceLeft(let topic, _, _),
            .agentActivity(let topic, _), .queue(let topic, _):
            topic
        case .notification, .resync, .unsubscribed, .subscribed, .queueSnapshot:
            nil
        }
    }
}
