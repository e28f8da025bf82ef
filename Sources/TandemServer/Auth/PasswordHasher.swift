// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import HummingbirdBcrypt
import NIOPosix
import Synchronization

/// bcrypt hashing and verification, run on NIO's blocking thread pool so that
/// the quarter-second a cost-12 hash takes never stalls an event loop or the
/// cooperative pool.
public struct PasswordHasher: Sendable {
    /// The bcrypt cost (log2 of the rounds).
    public let cost: UInt8
    private let threadPool: NIOThreadPool
    /// The dummy hash, made on first use and shared by copies of this hasher.
    private let dummy = DummyHash()

    public init(cost: Int, threadPool: NIOThreadPool = .singleton) {
        self.cost = UInt8(clamping: cost)
        self.threadPool = threadPool
    }

    /// Hashes `password` with a fresh salt.
    public func hash(_ password: String) async throws -> String {
        let cost = self.cost
        return try await threadPool.runIfActive { Bcrypt.hash(password, cost: cost) }
    }

    /// Whether `password` matches `hash`; false for a malformed hash.
    public func verify(_ password: String, against hash: String) async throws -> Bool {
        try await threadPool.runIfActive { Bcrypt.verify(password, hash: hash) }
    }

    /// A real hash of a random string, verified against when the account does not exist,
    /// so that response timing does not reveal which e-mail addresses have accounts.
    /// Made once per cost and reused: hashing afresh on every call would make a login
    /// for an unknown address cost two bcrypt runs instead of one.
    public func dummyHash() async throws -> String {
        if let cached = dummy.value.withLock({ $0 }) { return cached }
        let made = try await hash("tandem-timing-equaliser-\(UInt64.random(in: .min ... .max))")
        return dummy.value.withLock { cached in
            if let cached { return cached }
            cached = made
            return made
        }
    }
}

/// A lazily made hash shared by the copies of one ``PasswordHasher``.
private final class DummyHash: Sendable {
    let value = Mutex<String?>(nil)
}
