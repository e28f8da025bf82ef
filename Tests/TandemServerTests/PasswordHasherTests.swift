// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Testing

@testable import TandemServer

/// bcrypt hashing, and the dummy hash that keeps unknown e-mails from answering faster.
@Suite struct PasswordHasherTests {
    @Test func hashesVerifyAndCarryTheCost() async throws {
        let hasher = PasswordHasher(cost: testBcryptCost)
        let hash = try await hasher.hash(goodPassword)
        #expect(hash.hasPrefix("$2"))
        #expect(hash.contains(String(format: "$%02d$", testBcryptCost)))
        #expect(try await hasher.verify(goodPassword, against: hash))
        #expect(try await !hasher.verify(goodPassword + "x", against: hash))
        #expect(try await !hasher.verify(goodPassword, against: "not-a-bcrypt-hash"))
        #expect(try await hasher.hash(goodPassword) != hash, "salted")
    }

    @Test func dummyHashIsComputedOnceAndMatchesNothing() async throws {
        // A login for an unknown e-mail must cost one bcrypt verification, like a known one:
        // hashing a fresh dummy on every attempt would double its time and reveal the account's absence.
        let hasher = PasswordHasher(cost: testBcryptCost)
        let first = try await hasher.dummyHash()
        let second = try await hasher.dummyHash()
        #expect(first == second)
        #expect(first.contains(String(format: "$%02d$", testBcryptCost)), "same cost as real hashes")
        #expect(try await !hasher.verify(goodPassword, against: first))
        let other = PasswordHasher(cost: testBcryptCost + 1)
        #expect(try await other.dummyHash().contains(String(format: "$%02d$", testBcryptCost + 1)))
    }
}
