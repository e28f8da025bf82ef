// tandem-load: a WebSocket load generator for Tandem and its peers (see Benchmarks/README.md).

import ArgumentParser
import Foundation
import NIOCore

@main
struct TandemLoad: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem-load",
        abstract: "Drive Tandem, y-websocket, a Node ws server or nginx+nchan with WebSocket load and measure it.",
        discussion: """
            Modes: fanout (R rooms x W watchers + E editors per room; editors send at --rate ops/s per room, \
            or as fast as acks allow with --rate 0), idle (hold --connections with heartbeats), storm \
            (--connections connects + subscribes at once), churn (--cycles times: --connections opened and \
            subscribed, then all closed; server RSS after each cycle). Results go to --out as JSON.
            """)

    @Option(help: "tandem | ws-broadcast | nchan | y-websocket") var system: String
    @Option(help: "fanout | idle | storm | churn") var mode: String = "fanout"
    @Option var host = "127.0.0.1"
    @Option var port: Int
    @Option(help: "Rooms (tickets).") var rooms = 1
    @Option(help: "Watchers per room (fanout).") var watchers = 0
    @Option(help: "Editors per room (fanout).") var editors = 1
    @Option(help: "Operations per second per room; 0 = each editor sends as fast as acks allow.") var rate: Double = 0
    @Option(help: "Operations in flight per editor when --rate is 0.") var window = 1
    @Option(help: "Seconds of load before the measurement window.") var warmup: Double = 2
    @Option(help: "Seconds in the measurement window.") var duration: Double = 8
    @Option(help: "Seconds to wait for late deliveries after the window.") var drain: Double = 2
    @Option(help: "Connections (idle, storm).") var connections = 1000
    @Option(help: "Seconds to hold idle connections.") var hold: Double = 10
    @Option(help: "Heartbeat period per idle connection, in seconds; 0 = none (the server's own pings only).")
    var heartbeat: Double = 15
    @Option(help: "Churn: open-and-close cycles.") var cycles = 10
    @Option(help: "Churn: seconds after the last close before the server's RSS is read.") var settle: Double = 2
    @Option(help: "Handshakes in flight at most.") var connectConcurrency = 512
    @Option(help: "Comma-separated source addresses in 127.0.0.0/8 to spread connections over (more ports).")
    var sourceAddresses = "127.0.0.1"
    @Option(name: .customLong("server-pid"), help: "Server process id(s) to read CPU and RSS from (repeatable).")
    var serverPIDs: [Int32] = []
    @Option(help: "Tandem: JSON with tickets, watcherTokens, editorTokens.") var setup: String?
    @Option(help: "y-websocket: the file written by peers/gen-yjs-updates.js.") var yjsUpdates: String?
    @Option(help: "Room name prefix for the peers (unique per run).") var roomPrefix = "r\(UInt32.random(in: 0...UInt32.max))"
    @Option(help: "Write the JSON result here (default: stdout).") var out: String?
    @Option var label = ""
    @Option(help: "Hard bound on the whole run, in seconds.") var timeLimit: Double = 180
    @Option(help: "raw (one handler does the upgrade and the framing; default) | nio (NIOHTTP1 + NIOWebSocket handlers)")
    var codec = "raw"
    @Flag(help: "Tandem idle mode: authenticate but subscribe to nothing (to split the memory per connection).")
    var noSubscribe = false
    @Flag var quiet = false

    func validate() throws {
        guard SystemKind(rawValue: system) != nil else { throw ValidationError("unknown --system \(system)") }
        guard Mode(rawValue: mode) != nil else { throw ValidationError("unknown --mode \(mode)") }
        guard codec == "raw" || codec == "nio" else { throw ValidationError("--codec is raw or nio") }
        guard cycles >= 1, settle >= 0 else { throw ValidationError("--cycles must be >= 1 and --settle >= 0") }
        guard timeLimit > 0, timeLimit <= 3600 else { throw ValidationError("--time-limit must be in (0, 3600]") }
        for address in sourceAddresses.split(separator: ",") where !address.hasPrefix("127.") {
            throw ValidationError("source addresses must be in 127.0.0.0/8")
        }
        guard host.hasPrefix("127.") || host == "::1" else { throw ValidationError("--host must be a loopback address") }
    }

    func run() throws {
        let options = Options(
            system: SystemKind(rawValue: system)!, mode: Mode(rawValue: mode)!, host: host, port: port, rooms: rooms,
            watchers: watchers, editors: editors, rate: rate, window: window, warmup: warmup, duration: duration,
            drain: drain, connections: connections, hold: hold, heartbeat: heartbeat, cycles: cycles, settle: settle,
            connectConcurrency: connectConcurrency,
            sourceAddresses: sourceAddresses.split(separator: ",").map(String.init), serverPIDs: serverPIDs,
            setupFile: setup, yjsFile: yjsUpdates, roomPrefix: roomPrefix, out: out, label: label,
            timeLimit: timeLimit, quiet: quiet, subscribe: !noSubscribe)
        Codec.raw = codec == "raw"
        let bench = try Bench(options: options)
        switch options.system {
        case .tandem:
            guard let setup else { throw ValidationError("--setup is required for tandem") }
            bench.adapter = try TandemAdapter(bench: bench, setupFile: setup)
        case .wsBroadcast:
            bench.adapter = WSBroadcastAdapter(bench: bench, prefix: roomPrefix, rooms: rooms)
        case .nchan:
            bench.adapter = NchanAdapter(bench: bench, prefix: roomPrefix, rooms: rooms)
        case .yWebsocket:
            if options.mode == .fanout && yjsUpdates == nil {
                throw ValidationError("--yjs-updates is required for y-websocket fan-out")
            }
            bench.adapter = try YWebsocketAdapter(bench: bench, prefix: roomPrefix, rooms: rooms, updatesFile: yjsUpdates)
        }
        bench.loop.execute { bench.start() }
        try bench.done.futureResult.wait()
        try? bench.group.syncShutdownGracefully()
    }
}
