// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemRedis
import Testing

/// Pub/sub against a live server: delivery, patterns, unsubscribing, a slow consumer.
@Suite("RedisSubscriber", .enabled(if: RedisTestEnvironment.enabled))
struct RedisSubscriberTests {
    typealias Env = RedisTestEnvironment

    /// Runs `body` with a client and a subscriber, both shut down afterwards.
    func withPubSub(
        bufferLimit: Int = 10_000, _ body: (RedisClient, RedisSubscriber) async throws -> Void
    ) async throws {
        let options = try Env.options()
        let subscriber = try RedisSubscriber(options, bufferLimit: bufferLimit, logger: Env.logger)
        do {
            try await Env.withClient(options) { try await body($0, subscriber) }
        } catch {
            await subscriber.shutdown()
            throw error
        }
        await subscriber.shutdown()
    }

    @Test func messagesArriveInOrderWithTheirBytes() async throws {
        try await withPubSub { redis, subscriber in
            let recorder = EventRecorder(subscriber)
            let channel = Env.unique("orders")
            let quiet = Env.unique("quiet")
            try await subscriber.subscribe([channel, quiet])
            #expect(subscriber.subscriptions.channels == [channel, quiet])
            let payloads: [[UInt8]] = (0..<200).map { [0, UInt8($0 % 256), 0xFF, 0x0D, 0x0A] + Array("#\($0)".utf8) }
            // Pipelined, so all of them are on the wire at once.
            let receivers = try await redis.pipeline(payloads.map { RedisCommand("PUBLISH", channel, $0) })
            #expect(receivers.allSatisfy { $0 == .integer(1) })
            try await recorder.wait(for: "200 messages") { $0.count >= 200 }
            #expect(recorder.messages.map(\.payload) == payloads)
            #expect(recorder.messages.allSatisfy { $0.channel == channel && $0.pattern == nil })
            #expect(!recorder.events.contains { $0.signalsGap }, "no gap: \(recorder.events.filter(\.signalsGap))")
        }
    }

    @Test func patternsMatchChannels() async throws {
        try await withPubSub { redis, subscriber in
            let recorder = EventRecorder(subscriber)
            let base = Env.unique("tickets")
            try await subscriber.psubscribe([base + ":*"])
            #expect(subscriber.subscriptions.patterns == [base + ":*"])
            #expect(try await redis.publish([1, 0, 2], to: base + ":42") == 1)
            #expect(try await redis.publish("other", to: base + "-x") == 0)
            try await recorder.wait(for: "a pattern message") { !$0.isEmpty }
            #expect(recorder.messages == [RedisMessage(channel: base + ":42", pattern: base + ":*", payload: [1, 0, 2])])
        }
    }

    @Test func unsubscribingStopsDelivery() async throws {
        try await withPubSub { redis, subscriber in
            let recorder = EventRecorder(subscriber)
            let kept = Env.unique("kept")
            let dropped = Env.unique("dropped")
            let pattern = Env.unique("pattern")
            try await subscriber.subscribe([kept, dropped])
            try await subscriber.psubscribe([pattern + ":*"])
            try await subscriber.unsubscribe([dropped])
            try await subscriber.punsubscribe([pattern + ":*"])
            #expect(subscriber.subscriptions == RedisSubscriptions(channels: [kept]))
            // PUBLISH counts receivers: the server itself no longer has these subscriptions.
            #expect(try await redis.publish("x", to: dropped) == 0)
            #expect(try await redis.publish("x", to: pattern + ":1") == 0)
            #expect(try await redis.publish("y", to: kept) == 1)
            try await recorder.wait(for: "the kept message") { !$0.isEmpty }
            #expect(recorder.messages.map(\.channel) == [kept])
            // Unsubscribing from everything leaves subscribed mode; the connection still works.
            try await subscriber.unsubscribe([kept])
            #expect(try await redis.publish("z", to: kept) == 0)
            try await subscriber.subscribe([kept])
            #expect(try await redis.publish("w", to: kept) == 1)
            try await recorder.wait(for: "the second kept message") { $0.count == 2 }
            // Empty lists change nothing (UNSUBSCRIBE with no channel would mean all of them).
            try await subscriber.unsubscribe([])
            #expect(subscriber.subscriptions.channels == [kept])
        }
    }

    @Test func aSlowConsumerLosesMessagesAndIsTold() async throws {
        try await withPubSub(bufferLimit: 10) { redis, subscriber in
            let channel = Env.unique("flood")
            try await subscriber.subscribe([channel])
            _ = try await redis.pipeline((0..<50).map { RedisCommand("PUBLISH", channel, $0) })
            // Replies arrive in order on the subscriber's connection: once this change is
            // confirmed, all 50 messages have been handled (10 buffered, 40 discarded).
            try await subscriber.subscribe([Env.unique("barrier")])
            var iterator = subscriber.events.makeAsyncIterator()
            var received: [RedisSubscriberEvent] = []
            for _ in 0..<10 { received.append(try #require(await iterator.next())) }
            #expect(received == (0..<10).map { .message(RedisMessage(channel: channel, payload: Array("\($0)".utf8))) })
            try await redis.publish("after", to: channel)
            #expect(await iterator.next() == .dropped(40))
            #expect(await iterator.next() == .message(RedisMessage(channel: channel, payload: Array("after".utf8))))
        }
    }

    @Test func shutdownFinishesTheEventsAndRefusesChanges() async throws {
        let subscriber = try RedisSubscriber(try Env.options(), logger: Env.logger)
        let recorder = EventRecorder(subscriber)
        try await subscriber.subscribe([Env.unique("bye")])
        await subscriber.shutdown()
        await subscriber.shutdown()
        try await eventually("the event stream to finish") { recorder.isFinished }
        let error = await #expect(throws: RedisError.self) { try await subscriber.subscribe(["late"]) }
        #expect(error?.kind == .shutdown)
    }
}
