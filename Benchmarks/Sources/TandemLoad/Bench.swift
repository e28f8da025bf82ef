// The run: connections, the send schedule, the measurement window and the statistics.
// Everything below runs on the generator's one event loop, so none of it needs a lock.

import Foundation
import Histogram
import NIOCore
import NIOPosix

enum SystemKind: String, CaseIterable {
    case tandem
    case wsBroadcast = "ws-broadcast"
    case nchan
    case yWebsocket = "y-websocket"
}

enum Mode: String, CaseIterable {
    /// R rooms x W watchers, E editors per room at a rate (or closed loop): deliveries and latency.
    case fanout
    /// N connections held open with heartbeats: server memory per connection.
    case idle
    /// N connects + subscribes at once: time until every snapshot arrived.
    case storm
    /// --cycles times: N connections opened (authenticated and subscribed), then all closed;
    /// server RSS after each cycle (does memory return?).
    case churn
}

struct Options {
    var system: SystemKind
    var mode: Mode
    var host: String
    var port: Int
    var rooms: Int
    var watchers: Int
    var editors: Int
    var rate: Double
    var window: Int
    var warmup: Double
    var duration: Double
    var drain: Double
    var connections: Int
    var hold: Double
    var heartbeat: Double
    var cycles: Int
    var settle: Double
    var connectConcurrency: Int
    var sourceAddresses: [String]
    var serverPIDs: [Int32]
    var setupFile: String?
    var yjsFile: String?
    var roomPrefix: String
    var out: String?
    var label: String
    var timeLimit: Double
    var quiet: Bool
    var subscribe: Bool
}

/// What a protocol adapter does for the generator.
protocol Adapter: AnyObject {
    func path(for conn: Conn) -> String
    func headers(for conn: Conn) -> [(String, String)]
    /// The upgrade succeeded: subscribe, sync, or declare the connection ready.
    func opened(_ conn: Conn)
    /// A text or binary message arrived.
    func received(_ conn: Conn, _ bytes: UnsafeRawBufferPointer, binary: Bool)
    /// Sends the editor's next operation; returns its sequence number and whether it carries
    /// a marker (trims do not), or nil when the editor has nothing more to send.
    func sendOp(_ editor: Editor, now: UInt64) -> (seq: Int, marked: Bool)?
    /// One application heartbeat (idle mode).
    func heartbeat(_ conn: Conn)
    /// Whether editors receive each other's operations (they are then counted as deliveries).
    var editorsReceiveOthers: Bool { get }
    /// Storm / idle preparation (e.g. publish one message per room so that subscribers get a first message).
    func prepare(_ bench: Bench, then: @escaping () -> Void)
}

final class Bench: @unchecked Sendable {
    let options: Options
    let group: MultiThreadedEventLoopGroup
    let loop: EventLoop
    let serverAddress: SocketAddress
    let sources: [SocketAddress]
    var adapter: Adapter!
    let done: EventLoopPromise<Void>

    var conns: [Conn] = []
    var roomEditors: [[Editor]] = []
    var shuttingDown = false

    // Connection management.
    private var queue: [Conn] = []
    private var queueHead = 0
    private var connecting = 0
    var readyCount = 0
    var failedCount = 0
    private var target = 0
    private var allReady: (() -> Void)?
    var firstFailures: [String] = []

    // Load.
    var sending = false
    var closedLoop: Bool { options.rate <= 0 }
    var recipientsPerOp = 0
    var windowStart: UInt64 = .max
    var windowEnd: UInt64 = .max

    // Statistics.
    var latency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)  // µs
    /// Every receipt inside the window, whenever its operation was sent (shows the backlog when a server falls behind).
    var latencyAll = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    var ackLatency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    var readyLatency = Histogram<UInt64>(highestTrackableValue: 600_000_000, numberOfSignificantValueDigits: .three)
    var sentTotal = 0
    var sentInWindow = 0
    var markedInWindow = 0
    var deliveredTotal = 0
    var deliveredInWindow = 0
    var deliveredOfWindowOps = 0
    var acksTotal = 0
    var acksInWindow = 0
    var unmatched = 0
    var errors = 0
    var errorSamples: [String: Int] = [:]
    var serverCloses = 0
    var unexpectedCloses = 0
    var pongs = 0
    var heartbeatsSent = 0
    var resyncs = 0
    var result: [String: Any] = [:]

    init(options: Options) throws {
        self.options = options
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        loop = group.next()
        serverAddress = try SocketAddress(ipAddress: options.host, port: options.port)
        sources = try options.sourceAddresses.filter { !$0.isEmpty }.map { try SocketAddress(ipAddress: $0, port: 0) }
        done = loop.makePromise()
    }

    func sourceAddress(for index: Int) -> SocketAddress? {
        // A single source needs no bind (the kernel picks the address and a port).
        sources.count > 1 ? sources[index % sources.count] : nil
    }

    // MARK: Logging

    func log(_ message: String) {
        if !options.quiet { FileHandle.standardError.write(Data("[tandem-load] \(message)\n".utf8)) }
    }

    func error(_ conn: Conn?, _ message: String) {
        errors += 1
        let key = String(message.prefix(160))
        if errorSamples.count < 20 || errorSamples[key] != nil { errorSamples[key, default: 0] += 1 }
    }

    // MARK: Connections

    /// Opens `conns` with at most `concurrency` handshakes in flight; calls `then` when every one
    /// is ready or failed.
    func connectAll(_ list: [Conn], concurrency: Int, then: @escaping () -> Void) {
        queue = list
        queueHead = 0
        target = readyCount + failedCount + list.count
        allReady = then
        if list.isEmpty {
            then()
            return
        }
        pump(max(1, concurrency))
    }

    private func pump(_ limit: Int) {
        while connecting < limit, queueHead < queue.count {
            let conn = queue[queueHead]
            queueHead += 1
            connecting += 1
            open(conn)
        }
    }

    private var concurrencyLimit: Int {
        options.mode == .storm ? max(1, options.connectConcurrency) : max(1, min(options.connectConcurrency, 100_000))
    }

    func upgraded(_ conn: Conn) {
        adapter.opened(conn)
    }

    func ready(_ conn: Conn) {
        guard !conn.finished else { return }
        conn.finished = true
        conn.ready = true
        conn.readyAt = nowNanos()
        readyCount += 1
        _ = readyLatency.record((conn.readyAt - conn.connectStart) / 1000)
        finishedOne()
    }

    func failed(_ conn: Conn, _ reason: String) {
        guard !conn.finished else {
            return
        }
        conn.finished = true
        conn.closed = true
        failedCount += 1
        if firstFailures.count < 10 { firstFailures.append(reason) }
        error(conn, reason)
        conn.channel?.close(promise: nil)
        finishedOne()
    }

    private func finishedOne() {
        connecting -= 1
        pump(concurrencyLimit)
        if readyCount + failedCount == target, let then = allReady {
            allReady = nil
            then()
        }
    }

    func serverClosed(_ conn: Conn, _ data: ByteBuffer) {
        serverCloses += 1
        var data = data
        let code = data.readInteger(as: UInt16.self) ?? 0
        let reason = data.readString(length: data.readableBytes) ?? ""
        error(conn, "server closed: \(code) \(reason)")
    }

    func closed(_ conn: Conn) {
        if !conn.closed && !shuttingDown {
            unexpectedCloses += 1
            if !conn.finished { failed(conn, "closed before ready") }
        }
        conn.closed = true
    }

    // MARK: Rooms and editors

    func buildFanout(rooms: Int, watchers: Int, editors: Int) -> [Conn] {
        var list: [Conn] = []
        roomEditors = Array(repeating: [], count: rooms)
        var global = 0
        // Watchers first so that nobody misses the first operations.
        for room in 0..<rooms {
            for _ in 0..<watchers {
                list.append(Conn(index: list.count, room: room, editor: nil))
            }
        }
        for room in 0..<rooms {
            for slot in 0..<editors {
                let editor = Editor(room: room, slot: slot, global: global, client: "e\(room)-\(slot)")
                global += 1
                let conn = Conn(index: list.count, room: room, editor: editor)
                editor.conn = conn
                roomEditors[room].append(editor)
                list.append(conn)
            }
        }
        return list
    }

    // MARK: Sending

    func startLoad() {
        sending = true
        let now = nowNanos()
        let editors = roomEditors.flatMap { $0 }
        if closedLoop {
            for editor in editors {
                for _ in 0..<max(1, options.window) { send(editor) }
            }
        } else {
            // Each room sends `rate` ops/s, round-robin over its editors, starting at a random phase.
            // The schedule is absolute (operation k is due at start + k x interval): when the loop
            // is late, the operations that fell due are sent at once, so the offered rate holds.
            let interval = UInt64(1e9 / options.rate)
            for (room, list) in roomEditors.enumerated() where !list.isEmpty {
                let phase = UInt64.random(in: 0..<max(1, interval))
                scheduleRoom(room, count: list.count, start: now + phase, interval: interval, k: 0)
            }
        }
    }

    private func scheduleRoom(_ room: Int, count: Int, start: UInt64, interval: UInt64, k: UInt64) {
        let due = start + k * interval
        let now = nowNanos()
        let delay = due > now ? Int64(due - now) : 0
        loop.scheduleTask(in: .nanoseconds(delay)) {
            guard self.sending else { return }
            let now = nowNanos()
            var k = k
            var sentNow = 0
            // Send everything due by now (bounded, in case the loop was stalled for long).
            while start + k * interval <= now, sentNow < 1000 {
                self.send(self.roomEditors[room][Int(k % UInt64(count))])
                k += 1
                sentNow += 1
            }
            if sentNow == 1000 { k = (now - start) / interval + 1 }
            self.scheduleRoom(room, count: count, start: start, interval: interval, k: k)
        }
    }

    func stopLoad() {
        sending = false
    }

    @inline(__always)
    func inWindow(_ t: UInt64) -> Bool { t >= windowStart && t < windowEnd }

    func send(_ editor: Editor) {
        guard sending, !editor.exhausted, let conn = editor.conn, conn.ready, !conn.closed else { return }
        let now = nowNanos()
        guard let (seq, marked) = adapter.sendOp(editor, now: now) else {
            editor.exhausted = true
            return
        }
        while editor.sendTimes.count <= seq { editor.sendTimes.append(0) }
        editor.sendTimes[seq] = now
        editor.inFlight += 1
        sentTotal += 1
        if inWindow(now) {
            sentInWindow += 1
            if marked { markedInWindow += 1 }
        }
    }

    /// An editor's operation was acknowledged (durably for Tandem; relayed for the peers).
    func acked(_ editor: Editor, seq: Int) {
        let now = nowNanos()
        editor.inFlight = max(0, editor.inFlight - 1)
        acksTotal += 1
        if seq >= 0, seq < editor.sendTimes.count {
            let sent = editor.sendTimes[seq]
            if sent != 0, inWindow(sent) { _ = ackLatency.record((now - sent) / 1000) }
        }
        if inWindow(now) { acksInWindow += 1 }
        if closedLoop && sending { send(editor) }
    }

    /// A watcher (or another editor) received the operation with marker `id`.
    @inline(__always)
    func delivered(_ conn: Conn, id: UInt64, now: UInt64) {
        let slot = Int(id / markerStride)
        let seq = Int(id % markerStride)
        let editors = roomEditors[conn.room]
        guard slot < editors.count else {
            unmatched += 1
            return
        }
        let editor = editors[slot]
        guard seq < editor.sendTimes.count else {
            unmatched += 1
            return
        }
        let sent = editor.sendTimes[seq]
        guard sent != 0 else {
            unmatched += 1
            return
        }
        deliveredTotal += 1
        if inWindow(now) {
            deliveredInWindow += 1
            _ = latencyAll.record(now >= sent ? (now - sent) / 1000 : 0)
        }
        if inWindow(sent) {
            deliveredOfWindowOps += 1
            _ = latency.record(now >= sent ? (now - sent) / 1000 : 0)
        }
    }

    // MARK: Shutdown

    func finish() {
        stopLoad()
        shuttingDown = true
        for conn in conns where !conn.closed {
            conn.closed = true
            conn.channel?.close(promise: nil)
        }
        // Give the closes a moment to go out.
        loop.scheduleTask(in: .milliseconds(300)) { self.done.succeed(()) }
    }
}

extension Histogram where Count == UInt64 {
    func summary() -> [String: Any] {
        guard totalCount > 0 else { return ["count": 0] }
        return [
            "count": totalCount,
            "p50_us": valueAtPercentile(50),
            "p90_us": valueAtPercentile(90),
            "p99_us": valueAtPercentile(99),
            "p999_us": valueAtPercentile(99.9),
            "max_us": max,
            "mean_us": (mean * 10).rounded() / 10,
        ]
    }
}
