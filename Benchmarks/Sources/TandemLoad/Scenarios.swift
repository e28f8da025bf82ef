// The three modes: fan-out (deliveries, latency, acks), idle (memory per connection) and
// storm (time until every snapshot arrived). Each one is bounded in time by --time-limit.

import Foundation
import NIOCore

extension Bench {
    func resetConnectionCounters() {
        readyCount = 0
        failedCount = 0
        readyLatency.reset()
        firstFailures.removeAll()
    }

    func start() {
        // A hard bound on the whole run, whatever happens.
        loop.scheduleTask(in: .milliseconds(Int64(options.timeLimit * 1000))) {
            guard !self.shuttingDown else { return }
            self.log("time limit reached: reporting what was measured")
            self.result["timedOut"] = true
            self.report()
        }
        switch options.mode {
        case .fanout: runFanout()
        case .idle: runIdle()
        case .storm: runStorm()
        case .churn: runChurn()
        }
    }

    private func connectionSummary(started: UInt64) {
        result["connections"] = conns.count
        result["connected"] = readyCount
        result["connectFailures"] = failedCount
        result["connectSeconds"] = Double(nowNanos() - started) / 1e9
        if !firstFailures.isEmpty { result["firstConnectFailures"] = firstFailures }
    }

    // MARK: Fan-out

    func runFanout() {
        conns = buildFanout(rooms: options.rooms, watchers: options.watchers, editors: options.editors)
        recipientsPerOp = options.watchers + (adapter.editorsReceiveOthers ? max(0, options.editors - 1) : 0)
        let started = nowNanos()
        let before = ProcSample.read(options.serverPIDs)
        result["rssBeforeConnectBytes"] = before.rssBytes
        log("connecting \(conns.count) (\(options.rooms) rooms x \(options.watchers) watchers + \(options.editors) editors)")
        adapter.prepare(self) {
            self.connectAll(self.conns, concurrency: self.options.connectConcurrency) {
                self.connectionSummary(started: started)
                self.log(
                    "connected \(self.readyCount), failed \(self.failedCount) in \(String(format: "%.1f", Double(nowNanos() - started) / 1e9)) s"
                )
                self.loop.scheduleTask(in: .milliseconds(500)) { self.measureFanout() }
            }
        }
    }

    private func measureFanout() {
        let warmup = Int64(options.warmup * 1e9)
        let duration = Int64(options.duration * 1e9)
        let now = nowNanos()
        windowStart = now + UInt64(warmup)
        windowEnd = windowStart + UInt64(duration)
        startLoad()
        var server0 = ProcSample(cpuSeconds: 0, rssBytes: 0, threads: 0)
        var gen0 = 0.0
        var t0: UInt64 = 0
        loop.scheduleTask(in: .nanoseconds(warmup)) {
            server0 = ProcSample.read(self.options.serverPIDs)
            gen0 = selfCPUSeconds()
            t0 = nowNanos()
        }
        loop.scheduleTask(in: .nanoseconds(warmup + duration)) {
            let server1 = ProcSample.read(self.options.serverPIDs)
            let gen1 = selfCPUSeconds()
            let seconds = Double(nowNanos() - t0) / 1e9
            self.stopLoad()
            let window = Double(duration) / 1e9
            let serverCPU = server1.cpuSeconds - server0.cpuSeconds
            self.result["windowSeconds"] = window
            self.result["serverCPUSeconds"] = serverCPU
            self.result["serverCPUPerSecond"] = serverCPU / seconds
            self.result["generatorCPUPerSecond"] = (gen1 - gen0) / seconds
            self.result["rssBytes"] = server1.rssBytes
            self.result["serverThreads"] = server1.threads
            self.log("window over: draining \(self.options.drain) s")
            self.loop.scheduleTask(in: .milliseconds(Int64(self.options.drain * 1000))) {
                let expected = self.markedInWindow * self.recipientsPerOp
                self.result["sentInWindow"] = self.sentInWindow
                self.result["offeredOpsPerSecond"] = Double(self.sentInWindow) / window
                self.result["expectedDeliveriesOfWindowOps"] = expected
                self.result["deliveriesOfWindowOps"] = self.deliveredOfWindowOps
                self.result["missingDeliveries"] = max(0, expected - self.deliveredOfWindowOps)
                self.result["deliveredPerSecond"] = Double(self.deliveredInWindow) / window
                self.result["acksPerSecond"] = Double(self.acksInWindow) / window
                let messages = Double(self.deliveredInWindow)
                self.result["deliveriesPerServerCPUSecond"] = serverCPU > 0 ? messages / serverCPU : 0
                self.result["serverCPUMicrosPerDelivery"] = messages > 0 ? serverCPU * 1e6 / messages : 0
                self.result["acksPerServerCPUSecond"] = serverCPU > 0 ? Double(self.acksInWindow) / serverCPU : 0
                self.result["latency"] = self.latency.summary()
                self.result["latencyOfWindowReceipts"] = self.latencyAll.summary()
                self.result["ackLatency"] = self.ackLatency.summary()
                self.result["rssAfterBytes"] = ProcSample.read(self.options.serverPIDs).rssBytes
                self.report()
            }
        }
    }

    // MARK: Idle

    func runIdle() {
        let total = options.connections
        conns = (0..<total).map { Conn(index: $0, room: $0 % max(1, options.rooms), editor: nil) }
        let first = Array(conns.prefix(max(1, total / 10)))
        let rest = Array(conns.dropFirst(first.count))
        let started = nowNanos()
        let base = ProcSample.read(options.serverPIDs)
        result["rssBeforeBytes"] = base.rssBytes
        log("idle: connecting \(first.count), then \(rest.count) (\(options.rooms) rooms)")
        adapter.prepare(self) {
            self.connectAll(first, concurrency: self.options.connectConcurrency) {
                self.loop.scheduleTask(in: .seconds(1)) {
                    let mid = ProcSample.read(self.options.serverPIDs)
                    let midReady = self.readyCount
                    self.connectAll(rest, concurrency: self.options.connectConcurrency) {
                        self.connectionSummary(started: started)
                        self.log("connected \(self.readyCount), failed \(self.failedCount)")
                        self.loop.scheduleTask(in: .seconds(2)) {
                            self.hold(base: base, mid: mid, midReady: midReady)
                        }
                    }
                }
            }
        }
    }

    private func hold(base: ProcSample, mid: ProcSample, midReady: Int) {
        let start = ProcSample.read(options.serverPIDs)
        let gen0 = selfCPUSeconds()
        let t0 = nowNanos()
        // Heartbeats: every connection once per --heartbeat seconds, spread over 100 ms ticks.
        let open = options.heartbeat > 0 ? conns.filter { $0.ready && !$0.closed } : []
        let perTick = max(1, Int((Double(open.count) * 0.1 / max(0.1, options.heartbeat)).rounded(.up)))
        var cursor = 0
        let ticker = loop.scheduleRepeatedTask(initialDelay: .milliseconds(100), delay: .milliseconds(100)) { _ in
            guard !open.isEmpty else { return }
            for _ in 0..<perTick {
                let conn = open[cursor % open.count]
                cursor += 1
                if !conn.closed { self.adapter.heartbeat(conn) }
            }
        }
        loop.scheduleTask(in: .milliseconds(Int64(options.hold * 1000))) {
            ticker.cancel()
            let end = ProcSample.read(self.options.serverPIDs)
            let seconds = Double(nowNanos() - t0) / 1e9
            let held = self.conns.filter { $0.ready && !$0.closed }.count
            self.result["held"] = held
            self.result["holdSeconds"] = seconds
            self.result["rssMidBytes"] = mid.rssBytes
            self.result["rssAfterBytes"] = end.rssBytes
            self.result["serverThreads"] = end.threads
            let perConnection = held > 0 ? Double(end.rssBytes - base.rssBytes) / Double(held) : 0
            let marginal = held > midReady ? Double(end.rssBytes - mid.rssBytes) / Double(held - midReady) : 0
            self.result["bytesPerConnection"] = perConnection
            self.result["marginalBytesPerConnection"] = marginal
            self.result["idleServerCPUPerSecond"] = (end.cpuSeconds - start.cpuSeconds) / seconds
            self.result["idleServerCPUSeconds"] = end.cpuSeconds - start.cpuSeconds
            self.result["generatorCPUPerSecond"] = (selfCPUSeconds() - gen0) / seconds
            self.result["heartbeatsSent"] = self.heartbeatsSent
            self.result["heartbeatReplies"] = self.pongs
            self.report()
        }
    }

    // MARK: Storm

    func runStorm() {
        let total = options.connections
        conns = (0..<total).map { Conn(index: $0, room: $0 % max(1, options.rooms), editor: nil) }
        adapter.prepare(self) {
            self.loop.scheduleTask(in: .milliseconds(300)) {
                let before = ProcSample.read(self.options.serverPIDs)
                let gen0 = selfCPUSeconds()
                let started = nowNanos()
                self.log("storm: \(total) connects + subscribes over \(self.options.rooms) rooms")
                self.connectAll(self.conns, concurrency: self.options.connectConcurrency) {
                    let seconds = Double(nowNanos() - started) / 1e9
                    let after = ProcSample.read(self.options.serverPIDs)
                    self.connectionSummary(started: started)
                    self.result["stormSeconds"] = seconds
                    self.result["snapshotsPerSecond"] = Double(self.readyCount) / seconds
                    self.result["timeToSnapshot"] = self.readyLatency.summary()
                    self.result["serverCPUSeconds"] = after.cpuSeconds - before.cpuSeconds
                    self.result["generatorCPUPerSecond"] = (selfCPUSeconds() - gen0) / seconds
                    self.result["rssBeforeBytes"] = before.rssBytes
                    self.result["rssAfterBytes"] = after.rssBytes
                    self.report()
                }
            }
        }
    }

    // MARK: Churn

    func runChurn() {
        let base = ProcSample.read(options.serverPIDs)
        result["rssBeforeBytes"] = base.rssBytes
        let started = nowNanos()
        let gen0 = selfCPUSeconds()
        adapter.prepare(self) {
            self.churnCycle(1, afterCycle: [], peakCycle: [], secondsCycle: []) { after, peak, seconds in
                let end = ProcSample.read(self.options.serverPIDs)
                self.result["cycles"] = after.count
                self.result["rssAfterCycleBytes"] = after
                self.result["rssOpenCycleBytes"] = peak
                self.result["cycleSeconds"] = seconds
                self.result["rssAfterFirstCycleBytes"] = after.first ?? 0
                self.result["rssAfterLastCycleBytes"] = after.last ?? 0
                if let first = after.first, let last = after.last, first > 0 {
                    self.result["rssLastOverFirst"] = Double(last) / Double(first)
                }
                self.result["rssAfterBytes"] = end.rssBytes
                self.result["serverCPUSeconds"] = end.cpuSeconds - base.cpuSeconds
                self.result["churnSeconds"] = Double(nowNanos() - started) / 1e9
                self.result["generatorCPUPerSecond"] = (selfCPUSeconds() - gen0) / (Double(nowNanos() - started) / 1e9)
                self.result["connected"] = self.readyCount
                self.result["connectFailures"] = self.failedCount
                if !self.firstFailures.isEmpty { self.result["firstConnectFailures"] = self.firstFailures }
                self.report()
            }
        }
    }

    /// One cycle: open --connections (ready = authenticated and subscribed), close them all, wait
    /// until every socket is closed on this side plus --settle seconds, read the server's RSS.
    private func churnCycle(
        _ cycle: Int, afterCycle: [Int], peakCycle: [Int], secondsCycle: [Double],
        then: @escaping ([Int], [Int], [Double]) -> Void
    ) {
        let total = options.connections
        // Fresh connections each cycle; the index offset rotates them over the source addresses and logins.
        let list = (0..<total).map { Conn(index: (cycle - 1) * total + $0, room: $0 % max(1, options.rooms), editor: nil) }
        conns = list
        let t0 = nowNanos()
        connectAll(list, concurrency: options.connectConcurrency) {
            let open = ProcSample.read(self.options.serverPIDs)
            for conn in list where !conn.closed {
                // A normal close: the close frame (1000), then the TCP connection.
                conn.send(0x8, [0x03, 0xE8])
                conn.closed = true
                conn.channel?.close(promise: nil)
            }
            self.waitClosed(list, deadline: nowNanos() + 30_000_000_000) {
                self.loop.scheduleTask(in: .milliseconds(Int64(self.options.settle * 1000))) {
                    let after = ProcSample.read(self.options.serverPIDs)
                    let seconds = Double(nowNanos() - t0) / 1e9
                    self.log(
                        "churn: cycle \(cycle): \(self.readyCount) ready so far, RSS open \(open.rssBytes >> 20) MiB, "
                            + "after close \(after.rssBytes >> 20) MiB")
                    let next = (afterCycle + [after.rssBytes], peakCycle + [open.rssBytes], secondsCycle + [seconds])
                    if cycle >= self.options.cycles || self.shuttingDown {
                        then(next.0, next.1, next.2)
                    } else {
                        self.churnCycle(cycle + 1, afterCycle: next.0, peakCycle: next.1, secondsCycle: next.2, then: then)
                    }
                }
            }
        }
    }

    /// Calls `then` once every connection in `list` is inactive on this side, or at `deadline`.
    private func waitClosed(_ list: [Conn], deadline: UInt64, then: @escaping () -> Void) {
        let open = list.reduce(0) { $0 + (($1.channel?.isActive ?? false) ? 1 : 0) }
        if open == 0 || nowNanos() >= deadline {
            if open > 0 { error(nil, "churn: \(open) sockets still open 30 s after close") }
            then()
            return
        }
        loop.scheduleTask(in: .milliseconds(100)) { self.waitClosed(list, deadline: deadline, then: then) }
    }

    // MARK: Report

    func report() {
        guard !shuttingDown else { return }
        result["system"] = options.system.rawValue
        result["mode"] = options.mode.rawValue
        result["label"] = options.label
        result["rooms"] = options.rooms
        result["watchersPerRoom"] = options.watchers
        result["editorsPerRoom"] = options.editors
        result["ratePerRoom"] = options.rate
        result["closedLoopWindow"] = closedLoop ? options.window : 0
        result["errors"] = errors
        result["errorSamples"] = errorSamples
        result["unmatched"] = unmatched
        result["serverCloses"] = serverCloses
        result["unexpectedCloses"] = unexpectedCloses
        result["resyncs"] = resyncs
        result["sentTotal"] = sentTotal
        result["acksTotal"] = acksTotal
        result["deliveredTotal"] = deliveredTotal
        result["exhaustedEditors"] = roomEditors.flatMap { $0 }.filter(\.exhausted).count
        result["readyLatency"] = readyLatency.summary()
        if let json = try? JSONSerialization.data(withJSONObject: result, options: [.sortedKeys, .prettyPrinted]) {
            if let out = options.out {
                _ = FileManager.default.createFile(atPath: out, contents: json)
            } else {
                FileHandle.standardOutput.write(json)
                FileHandle.standardOutput.write(Data("\n".utf8))
            }
        }
        log(oneLine())
        finish()
    }

    private func oneLine() -> String {
        func f(_ key: String, _ digits: Int = 0) -> String {
            guard let v = result[key] else { return "-" }
            if let d = v as? Double { return String(format: "%.\(digits)f", d) }
            return "\(v)"
        }
        func p(_ key: String, _ q: String) -> String {
            ((result[key] as? [String: Any])?[q]).map { "\($0)" } ?? "-"
        }
        switch options.mode {
        case .fanout:
            return
                "\(options.system.rawValue) \(options.label): delivered/s \(f("deliveredPerSecond")) acks/s \(f("acksPerSecond")) "
                + "p50 \(p("latency", "p50_us"))us p99 \(p("latency", "p99_us"))us p99.9 \(p("latency", "p999_us"))us "
                + "server CPU/s \(f("serverCPUPerSecond", 2)) gen CPU/s \(f("generatorCPUPerSecond", 2)) "
                + "missing \(f("missingDeliveries")) errors \(errors)"
        case .idle:
            return "\(options.system.rawValue) \(options.label): held \(f("held")) bytes/conn \(f("bytesPerConnection")) "
                + "marginal \(f("marginalBytesPerConnection")) idle CPU/s \(f("idleServerCPUPerSecond", 3)) errors \(errors)"
        case .churn:
            return "\(options.system.rawValue) \(options.label): RSS after cycle 1 \(((result["rssAfterFirstCycleBytes"] as? Int) ?? 0) >> 20) MiB, "
                + "after cycle \(options.cycles) \(((result["rssAfterLastCycleBytes"] as? Int) ?? 0) >> 20) MiB, "
                + "ratio \(f("rssLastOverFirst", 3)) failures \(failedCount) errors \(errors)"
        case .storm:
            return "\(options.system.rawValue) \(options.label): \(readyCount) snapshots in \(f("stormSeconds", 2)) s "
                + "p50 \(p("timeToSnapshot", "p50_us"))us p99 \(p("timeToSnapshot", "p99_us"))us failures \(failedCount) errors \(errors)"
        }
    }
}
