// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import NIOCore
import TandemRedis
import Testing

/// Values that need no server: commands, replies, options, backoff.
@Suite("Redis values")
struct RedisCommandTests {
    @Test func commandsKeepEveryByte() {
        let binary: [UInt8] = [0, 0xFF, 0x0D, 0x0A, 0, 0x80]
        var buffer = ByteBufferAllocator().buffer(capacity: 3)
        buffer.writeBytes([1, 0, 2])
        var command = RedisCommand("SET", "k\u{0}ey", binary, "", 42, buffer)
        command.append(Int64(-7))
        #expect(command.count == 7)
        #expect(command.name == "SET")
        #expect(Array(command[1]) == [0x6B, 0, 0x65, 0x79])
        #expect(Array(command[2]) == binary)
        #expect(command[3].isEmpty)
        #expect(Array(command[4]) == Array("42".utf8))
        #expect(Array(command[5]) == [1, 0, 2])
        #expect(Array(command[6]) == Array("-7".utf8))
        #expect(!command.description.contains("key"), "arguments may be secrets")
    }

    @Test func urlsParse() throws {
        let plain = try RedisConnectionOptions(url: "redis://127.0.0.1:6390")
        #expect(plain.host == "127.0.0.1" && plain.port == 6390 && plain.password == nil && plain.database == 0)
        let full = try RedisConnectionOptions(url: "redis://ann:p%40ss@redis.internal/3")
        #expect(full.host == "redis.internal" && full.port == 6379)
        #expect(full.username == "ann" && full.password == "p@ss" && full.database == 3)
        let passwordOnly = try RedisConnectionOptions(url: "redis://:secret@[::1]:7000")
        #expect(passwordOnly.host == "::1" && passwordOnly.port == 7000)
        #expect(passwordOnly.username == nil && passwordOnly.password == "secret")
        for bad in ["rediss://h", "http://h", "redis://", "redis://h/x", "redis://h?timeout=1"] {
            #expect(throws: RedisError.self, "\(bad)") { try RedisConnectionOptions(url: bad) }
        }
    }

    @Test func backoffGrowsToItsMaximum() {
        let backoff = RedisBackoff(initial: .milliseconds(100), maximum: .seconds(1), multiplier: 2, jitter: 0)
        #expect(backoff.delay(afterFailures: 1) == .milliseconds(100))
        #expect(backoff.delay(afterFailures: 2) == .milliseconds(200))
        #expect(backoff.delay(afterFailures: 4) == .milliseconds(800))
        #expect(backoff.delay(afterFailures: 5) == .seconds(1))
        #expect(backoff.delay(afterFailures: 500) == .seconds(1))
        let jittered = RedisBackoff(initial: .milliseconds(100), jitter: 0.2)
        for _ in 0..<50 {
            let delay = jittered.delay(afterFailures: 1)
            #expect(delay >= .milliseconds(80) && delay <= .milliseconds(120))
        }
    }

    @Test func repliesConvert() throws {
        #expect(RedisReply.bulk(Array("hi".utf8)).string == "hi")
        #expect(RedisReply.status("OK").string == "OK")
        #expect(RedisReply.null.isNull)
        #expect(RedisReply.integer(3).integer == 3)
        #expect(throws: RedisError(.server, "WRONGTYPE bad")) { try RedisReply.error("WRONGTYPE bad").get() }
        #expect(RedisError(.server, "WRONGTYPE Operation against a key").code == "WRONGTYPE")
        #expect(RedisError(.timeout, "x").code == nil)
    }
}
