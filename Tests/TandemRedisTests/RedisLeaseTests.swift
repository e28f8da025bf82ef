// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemRedis
import Testing

/// The cluster lease: take with NX, renew and release only by the owner, expiry.
@Suite("RedisLease", .enabled(if: RedisTestEnvironment.enabled))
struct RedisLeaseTests {
    typealias Env = RedisTestEnvironment

    @Test func onlyOneOwnerHoldsALease() async throws {
        try await Env.withClient { redis in
            let key = Env.unique("lease")
            let mine = RedisLease(key: key, owner: "node-a:1", ttl: .seconds(10))
            let theirs = RedisLease(key: key, owner: "node-b:1", ttl: .seconds(10))
            #expect(try await redis.acquire(mine))
            #expect(try await !redis.acquire(theirs), "NX: a held lease cannot be taken")
            #expect(try await !redis.acquire(mine), "not even again by its owner: acquire is not renew")
            #expect(try await redis.leaseOwner(of: key) == "node-a:1")

            #expect(try await !redis.renew(theirs), "only the owner renews")
            #expect(try await !redis.release(theirs), "only the owner releases")
            #expect(try await redis.leaseOwner(of: key) == "node-a:1")

            #expect(try await redis.release(mine))
            #expect(try await redis.leaseOwner(of: key) == nil)
            #expect(try await !redis.release(mine), "already released")
            #expect(try await !redis.renew(mine), "a released lease cannot be renewed")
            #expect(try await redis.acquire(theirs), "free again")
            try await redis.delete([key])
        }
    }

    @Test func renewingExtendsAndExpiryFrees() async throws {
        try await Env.withClient { redis in
            let key = Env.unique("expiry")
            // Long enough that a loaded machine (CI starts every suite at once) cannot let it
            // lapse between two commands; expiry is then shown with a brief renewal.
            let short = RedisLease(key: key, owner: "node-a:7", ttl: .seconds(20))
            #expect(try await redis.acquire(short))
            let ttl = try await redis.integer(RedisCommand("PTTL", key))
            #expect(ttl > 0 && ttl <= 20_000)

            var long = short
            long.ttl = .seconds(60)
            #expect(try await redis.renew(long))
            #expect(try await redis.integer(RedisCommand("PTTL", key)) > 40_000)

            var brief = short
            brief.ttl = .milliseconds(300)
            #expect(try await redis.renew(brief))
            try await Task.sleep(for: .milliseconds(700))
            #expect(try await redis.leaseOwner(of: key) == nil, "expired")
            #expect(try await !redis.renew(short), "an expired lease cannot be renewed")
            let next = RedisLease(key: key, owner: "node-b:8", ttl: .seconds(5))
            #expect(try await redis.acquire(next), "another node takes over after expiry")
            #expect(try await !redis.release(short), "the old owner cannot drop the new lease")
            #expect(try await redis.leaseOwner(of: key) == "node-b:8")
            try await redis.delete([key])
        }
    }

    @Test func ownersMayBeAnyText() async throws {
        try await Env.withClient { redis in
            let lease = RedisLease(key: Env.unique("odd"), owner: "nöde \u{0} 'quote' ]] --", ttl: .seconds(5))
            #expect(try await redis.acquire(lease))
            #expect(try await redis.renew(lease))
            #expect(try await redis.release(lease))
            #expect(try await redis.leaseOwner(of: lease.key) == nil)
            try await redis.ping()
        }
    }
}
