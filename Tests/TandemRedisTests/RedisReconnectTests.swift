// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemRedis
import Testing

/// Redis killed and restarted under a client and a subscriber, on a server of
/// the test's own: calls fail with typed errors meanwhile, then work again; the
/// subscriber resubscribes by itself and reports the gap.
@Suite("Redis reconnect", .enabled(if: RedisServer.available), .serialized)
struct RedisReconnectTests {
    typealias Env = RedisTestEnvironment

    @Test func subscriberResubscribesAndReportsTheGap() async throws {
        let server = try RedisServer()
        try await server.start()
        let redis = RedisClient(server.options, logger: Env.logger)
        let subscriber = try RedisSubscriber(server.options, logger: Env.logger)
        let recorder = EventRecorder(subscriber)

        try await subscriber.subscribe(["tickets:1"])
        try await subscriber.psubscribe(["teams:*"])
        #expect(try await redis.publish("before", to: "tickets:1") == 1)
        try await recorder.wait(for: "the first message") { !$0.isEmpty }

        await server.kill()
        try await recorder.wait(for: "a disconnected event") {
            $0.contains { if case .disconnected = $0 { true } else { false } }
        }
        let down = await #expect(throws: RedisError.self) { try await redis.ping() }
        #expect([.connectionLost, .connectionRefused].contains(down?.kind))
        // A change while Redis is down fails, and is still applied when it is back.
        let early = await #expect(throws: RedisError.self) { try await subscriber.subscribe(["tickets:2"]) }
        #expect([.connectionLost, .connectionRefused, .timeout].contains(early?.kind))
        try await Task.sleep(for: .milliseconds(300))  // a few failed attempts, with backoff

        try await server.start()
        try await recorder.wait(for: "a resubscribed event") { $0.contains(.resubscribed) }
        try await eventually("the client to reconnect") { (try? await redis.ping()) != nil }
        // Channel and pattern subscriptions are back on the server, and the late one too.
        #expect(try await redis.publish("after", to: "tickets:1") == 1)
        #expect(try await redis.publish("team", to: "teams:7") == 1)
        #expect(try await redis.publish("late", to: "tickets:2") == 1)
        try await recorder.wait(for: "three more messages") { $0.count >= 6 }

        let events = recorder.events
        #expect(events.first == .message(RedisMessage(channel: "tickets:1", payload: Array("before".utf8))))
        guard case .disconnected(let error) = events[1] else {
            Issue.record("expected disconnected second, got \(events)")
            return
        }
        #expect(error.kind == .connectionLost || error.kind == .connectionRefused)
        #expect(events[2] == .resubscribed, "one disconnected, then one resubscribed: \(events)")
        #expect(
            Set(events[3...]) == [
                .message(RedisMessage(channel: "tickets:1", payload: Array("after".utf8))),
                .message(RedisMessage(channel: "teams:7", pattern: "teams:*", payload: Array("team".utf8))),
                .message(RedisMessage(channel: "tickets:2", payload: Array("late".utf8))),
            ])
        #expect(events.count == 6)

        await subscriber.shutdown()
        await redis.shutdown()
        await server.kill()
    }

    @Test func aSilentServerIsDetectedByPing() async throws {
        let server = try RedisServer()
        try await server.start()
        let subscriber = try RedisSubscriber(server.options, logger: Env.logger)
        let recorder = EventRecorder(subscriber)
        try await subscriber.subscribe(["hung"])

        // The socket stays open: only the keep-alive PING (every 1 s, 1 s to answer) notices.
        server.pause()
        let start = ContinuousClock.now
        try await recorder.wait(for: "a disconnected event") { !$0.isEmpty }
        #expect(ContinuousClock.now - start < .seconds(4))
        guard case .disconnected(let error) = recorder.events.first else {
            Issue.record("expected disconnected, got \(recorder.events)")
            return
        }
        #expect(error.kind == .timeout)

        server.resume()
        try await recorder.wait(for: "a resubscribed event") { $0.contains(.resubscribed) }
        let redis = RedisClient(server.options, logger: Env.logger)
        #expect(try await redis.publish("back", to: "hung") == 1)
        try await recorder.wait(for: "the message") { $0.last?.signalsGap == false }
        #expect(recorder.events.filter(\.signalsGap) == [.disconnected(error), .resubscribed])

        await subscriber.shutdown()
        await redis.shutdown()
        await server.kill()
    }

    @Test func aConnectionClosedMidWriteIsLostNotFatal() async throws {
        // Redis refuses a bulk longer than 1 MiB and closes the connection while the
        // client is still writing 8 MiB: the write fails with EPIPE, which must be an
        // error, not a SIGPIPE that kills the process.
        let server = try RedisServer(arguments: ["--proto-max-bulk-len", "1mb"])
        try await server.start()
        let redis = RedisClient(server.options, logger: Env.logger)
        let error = await #expect(throws: RedisError.self) {
            try await redis.set("big", to: [UInt8](repeating: 7, count: 8 << 20))
        }
        #expect(error?.kind == .connectionLost)
        try await redis.ping()
        await redis.shutdown()
        await server.kill()
    }

    @Test func idleConnectionsToARestartedServerAreReplaced() async throws {
        let server = try RedisServer()
        try await server.start()
        var options = server.options
        options.maximumConnections = 2
        let redis = RedisClient(options, logger: Env.logger)
        try await redis.set("k", to: "v")
        try await redis.ping()

        await server.kill()
        try await server.start()
        // No call failed in between, so the first call after the restart just works:
        // the pool notices the closed idle connections and connects again.
        for _ in 0..<4 { try await redis.ping() }
        #expect(try await redis.get("k") == nil, "a fresh server (no persistence)")

        await redis.shutdown()
        await server.kill()
    }

    @Test func subscriberStartedBeforeRedisConnectsWhenItComes() async throws {
        let server = try RedisServer()
        let subscriber = try RedisSubscriber(server.options, logger: Env.logger)
        let recorder = EventRecorder(subscriber)
        let error = await #expect(throws: RedisError.self) { try await subscriber.subscribe(["early"]) }
        #expect(error?.kind == .connectionRefused)
        #expect(subscriber.subscriptions.channels == ["early"])
        try await recorder.wait(for: "a disconnected event") { $0.first?.signalsGap == true }

        try await server.start()
        try await recorder.wait(for: "a resubscribed event") { $0.contains(.resubscribed) }
        let redis = RedisClient(server.options, logger: Env.logger)
        #expect(try await redis.publish("hello", to: "early") == 1)
        try await recorder.wait(for: "the message") {
            $0.last == .message(RedisMessage(channel: "early", payload: Array("hello".utf8)))
        }

        await subscriber.shutdown()
        await redis.shutdown()
        await server.kill()
    }
}
