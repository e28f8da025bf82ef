// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemRedis
import TandemTestSupport
import Testing

/// Commands against a live server: binary round trips, pipelining, typed errors, timeouts.
@Suite("RedisClient", .enabled(if: RedisTestEnvironment.enabled))
struct RedisClientTests {
    typealias Env = RedisTestEnvironment

    @Test func binaryValuesRoundTripExactly() async throws {
        try await Env.withClient { redis in
            let prefix = Env.unique("binary")
            let values: [[UInt8]] = [
                [0, 0, 0],
                [0xFF, 0xFE, 0x80, 0xC0, 0xC1],  // not UTF-8
                Array("line\r\nbreak\r\n$3\r\n*1".utf8),  // looks like RESP
                [],
                Array("😀 e\u{301} 東京".utf8),
                (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31) },  // 1 MiB
            ]
            for (index, value) in values.enumerated() {
                let key: [UInt8] = Array("\(prefix):".utf8) + [0, UInt8(index), 0xFF]
                try await redis.set(key, to: value)
                #expect(try await redis.get(key) == value, "value \(index)")
            }
            #expect(try await redis.get(prefix + ":missing") == nil)
            // A key with NUL bytes is its own key, not truncated at the NUL.
            try await redis.set(prefix + "\u{0}a", to: "a")
            try await redis.set(prefix + "\u{0}b", to: "b")
            #expect(try await redis.get(prefix + "\u{0}a") == Array("a".utf8))
            #expect(try await redis.get(prefix) == nil)
        }
    }

    @Test func repliesHaveTheirTypes() async throws {
        try await Env.withClient { redis in
            let key = Env.unique("types")
            #expect(try await redis.send(RedisCommand("SET", key, 41)) == .status("OK"))
            #expect(try await redis.send(RedisCommand("INCR", key)) == .integer(42))
            #expect(try await redis.send(RedisCommand("GET", key)) == .bulk(Array("42".utf8)))
            #expect(try await redis.send(RedisCommand("GET", key + ":none")) == .null)
            let nested = try await redis.send(RedisCommand("EVAL", "return {1, 'a', {2, false}}", 0))
            #expect(nested == .array([.integer(1), .bulk(Array("a".utf8)), .array([.integer(2), .null])]))
            #expect(try await redis.delete([key, key + ":none"]) == 1)
            try await redis.ping()
        }
    }

    @Test func pipelineKeepsOrderAndErrorsInPlace() async throws {
        try await Env.withClient { redis in
            let list = Env.unique("list")
            let counter = Env.unique("counter")
            var commands: [RedisCommand] = []
            for index in 0..<1_000 {
                commands.append(RedisCommand("RPUSH", list, [UInt8(index % 256), 0, UInt8(index / 256)]))
                commands.append(RedisCommand("INCR", counter))
            }
            let replies = try await redis.pipeline(commands)
            #expect(replies.count == 2_000)
            for index in 0..<1_000 {
                #expect(replies[2 * index] == .integer(Int64(index + 1)))
                #expect(replies[2 * index + 1] == .integer(Int64(index + 1)))
            }
            let stored = try await redis.send(RedisCommand("LRANGE", list, 0, -1)).array ?? []
            #expect(stored.count == 1_000)
            #expect(stored.enumerated().allSatisfy { $1 == .bulk([UInt8($0 % 256), 0, UInt8($0 / 256)]) })

            // An error reply takes its place; the replies after it are still there.
            let text = Env.unique("text")
            let mixed = try await redis.pipeline([
                RedisCommand("SET", text, "abc"), RedisCommand("INCR", text), RedisCommand("GET", text),
            ])
            #expect(mixed.count == 3)
            #expect(mixed[0] == .status("OK"))
            guard case .error(let message) = mixed[1] else {
                Issue.record("expected an error reply, got \(mixed[1])")
                return
            }
            #expect(message.hasPrefix("ERR"))
            #expect(mixed[2] == .bulk(Array("abc".utf8)))
            #expect(try await redis.pipeline([]) == [])
            try await redis.delete([list, counter, text])
        }
    }

    @Test func concurrentCallsShareThePool() async throws {
        var options = try Env.options()
        options.maximumConnections = 3
        try await Env.withClient(options) { redis in
            let counter = Env.unique("concurrent")
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<200 {
                    group.addTask { _ = try await redis.send(RedisCommand("INCR", counter)) }
                }
                try await group.waitForAll()
            }
            #expect(try await redis.get(counter) == Array("200".utf8))
            try await redis.delete([counter])
        }
    }

    @Test func serverErrorsAreTypedAndKeepTheConnection() async throws {
        var options = try Env.options()
        options.maximumConnections = 1
        try await Env.withClient(options) { redis in
            let key = Env.unique("wrongtype")
            _ = try await redis.send(RedisCommand("RPUSH", key, "x"))
            let wrongType = await #expect(throws: RedisError.self) { try await redis.get(key) }
            #expect(wrongType?.kind == .server)
            #expect(wrongType?.code == "WRONGTYPE")
            let unknown = await #expect(throws: RedisError.self) {
                try await redis.send(RedisCommand("NO-SUCH-COMMAND", "x"))
            }
            #expect(unknown?.kind == .server && unknown?.code == "ERR")
            let script = await #expect(throws: RedisError.self) {
                try await redis.send(RedisCommand("EVAL", "return redis.call('INCR', KEYS[1])", 1, key))
            }
            #expect(script?.kind == .server)
            // The one connection survived all three.
            try await redis.ping()
            #expect(try await redis.send(RedisCommand("CLIENT", "ID")).integer != nil)
            try await redis.delete([key])
        }
    }

    @Test func unreachableServerIsConnectionRefused() async throws {
        let port = try LoopbackPort.free()
        let options = RedisConnectionOptions(
            host: "127.0.0.1", port: port, connectTimeout: .seconds(1),
            reconnect: RedisBackoff(initial: .seconds(5), maximum: .seconds(5)))
        try await Env.withClient(options) { redis in
            let first = await #expect(throws: RedisError.self) { try await redis.ping() }
            #expect(first?.kind == .connectionRefused)
            #expect(first?.message.contains("\(port)") == true)
            // Within the backoff delay, calls fail at once without a new attempt.
            let start = ContinuousClock.now
            let second = await #expect(throws: RedisError.self) { try await redis.ping() }
            #expect(second?.kind == .connectionRefused)
            #expect(second?.message.contains("next attempt") == true)
            // No connect attempt (which would wait for the connect timeout); generous for a loaded machine.
            #expect(ContinuousClock.now - start < .seconds(2))
        }
    }

    @Test func slowCommandTimesOutAndTheClientRecovers() async throws {
        var options = try Env.options()
        options.commandTimeout = .milliseconds(300)
        options.maximumConnections = 1
        try await Env.withClient(options) { redis in
            let start = ContinuousClock.now
            let error = await #expect(throws: RedisError.self) {
                try await redis.send(RedisCommand("BLPOP", Env.unique("empty"), 5))
            }
            #expect(error?.kind == .timeout)
            // Well under BLPOP's 5 s, with room for a loaded machine.
            #expect(ContinuousClock.now - start < .seconds(4))
            // The timed-out connection was dropped; the next call gets a fresh one.
            try await redis.ping()
        }
    }

    @Test func badURLsAndCommandsAreInvalidArguments() async throws {
        #expect(throws: RedisError(.invalidArgument, "not a redis:// URL: rediss://x")) {
            try RedisClient(url: "rediss://x", logger: Env.logger)
        }
        try await Env.withClient { redis in
            let error = await #expect(throws: RedisError.self) { try await redis.send(RedisCommand("")) }
            #expect(error?.kind == .invalidArgument)
            try await redis.ping()
        }
    }

    @Test func callsAfterShutdownFail() async throws {
        let redis = RedisClient(try Env.options(), logger: Env.logger)
        try await redis.ping()
        await redis.shutdown()
        await redis.shutdown()
        await #expect(throws: RedisError(.shutdown, "the Redis client is shut down")) { try await redis.ping() }
    }
}
