// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HummingbirdTesting
import Synchronization
import TandemCore
import TandemStore
import TandemTestSupport
import Testing

@testable import TandemServer

/// `PATCH /users/{id}`: permission before any write, writes fenced on the record they were
/// computed from, and never a change that leaves no enabled admin.
@Suite struct UserUpdateTests {
    @Test func emptyPatchNeedsTheRightToChangeTheUser() async throws {
        let env = try await TestEnvironment.make()
        let ann = try await env.user("ann@example.com", role: .agent)
        let art = try await env.user("art@example.com", role: .agent)
        try await env.team("Alpha", [(ann, .agent), (art, .agent)])
        try await env.run { api in
            let token = try await api.login("ann@example.com").accessToken
            // Ann may read her teammate Art, but not change him: an empty body changes nothing either.
            #expect(try await api.get("/api/v1/users/\(art.id)", bearer: token).status == .ok)
            for body: [String: any Sendable] in [[:], ["name": NSNull()], ["email": NSNull(), "role": NSNull()]] {
                expectError(try await api.patch("/api/v1/users/\(art.id)", body, bearer: token), .forbidden, "forbidden")
            }
            #expect(try await env.store.user(id: art.id) == art)
            // On herself an empty PATCH answers her record, and writes nothing.
            let own = try await api.patch("/api/v1/users/\(ann.id)", [:], bearer: token)
            #expect(own.status == .ok)
            #expect(try await env.store.user(id: ann.id) == ann)
        }
    }

    @Test func aRenameDoesNotUndoAConcurrentDisable() async throws {
        let controlled = Mutex<ControlledStore?>(nil)
        let env = try await TestEnvironment.make(wrap: { base in
            let store = ControlledStore(base)
            controlled.withLock { $0 = store }
            return store
        })
        let store = try #require(controlled.withLock { $0 })
        try await env.user("root@example.com", role: .admin)
        let kim = try await env.user("kim@example.com", role: .agent, name: "Kim")
        try await env.run { api in
            let token = try await api.login("kim@example.com").accessToken
            // Between the rename's read and its write, an admin disables Kim and makes her a supervisor.
            let base = env.store
            store.beforeNextUserUpdate { id in
                guard var changed = try await base.user(id: id) else { return }
                changed.disabled = true
                changed.role = .supervisor
                changed.updatedAt = changed.updatedAt.adding(milliseconds: 1)
                try await base.updateUser(changed)
            }
            let rename = try await api.patch("/api/v1/users/\(kim.id)", ["name": "Kim K."], bearer: token)
            #expect(rename.status == .ok, "\(rename.bodyText)")
            let stored = try #require(try await env.store.user(id: kim.id))
            #expect(stored.name == "Kim K.")
            #expect(stored.disabled, "the stale rename undid the disable")
            #expect(stored.role == .supervisor, "the stale rename undid the role change")
            let body = try rename.json()
            #expect(body["disabled"] as? Bool == true)
            #expect(body["role"] as? String == "supervisor")
        }
    }

    @Test func theLastEnabledAdminStays() async throws {
        let env = try await TestEnvironment.make()
        let root = try await env.user("root@example.com", role: .admin)
        let other = try await env.user("other@example.com", role: .admin)
        try await env.run { api in
            let token = try await api.login("root@example.com").accessToken
            // With a second enabled admin, demoting oneself is allowed; it is then refused to the other.
            expectError(
                try await api.patch("/api/v1/users/\(root.id)", ["disabled": true], bearer: token), .unprocessableContent,
                "invalid", field: "disabled")
            let disableOther = try await api.patch("/api/v1/users/\(other.id)", ["disabled": true], bearer: token)
            #expect(disableOther.status == .ok)
            // Other is disabled now: root is the last enabled admin.
            for role in ["customer", "agent", "supervisor"] {
                expectError(
                    try await api.patch("/api/v1/users/\(root.id)", ["role": role], bearer: token), .unprocessableContent,
                    "last_admin", field: "role")
            }
            #expect(try await env.store.user(id: root.id)?.role == .admin)
            // Re-enabling the other admin makes room again.
            #expect(try await api.patch("/api/v1/users/\(other.id)", ["disabled": false], bearer: token).status == .ok)
            let demote = try await api.patch("/api/v1/users/\(root.id)", ["role": "agent"], bearer: token)
            #expect(demote.status == .ok)
            #expect(try await env.store.user(id: root.id)?.role == .agent)
        }
    }

    @Test func twoAdminsDemotingEachOtherAtOnceLeaveOne() async throws {
        let env = try await TestEnvironment.make()
        let one = try await env.user("one@example.com", role: .admin)
        let two = try await env.user("two@example.com", role: .admin)
        try await env.run { api in
            let first = try await api.login("one@example.com").accessToken
            let second = try await api.login("two@example.com").accessToken
            for _ in 0..<10 {
                async let a = api.patch("/api/v1/users/\(two.id)", ["role": "agent"], bearer: first)
                async let b = api.patch("/api/v1/users/\(one.id)", ["role": "agent"], bearer: second)
                _ = try await (a, b)
                let admins = try await env.store.listUsers(UserFilter(role: .admin, disabled: false), page: PageRequest())
                #expect(!admins.items.isEmpty, "no enabled admin left")
                // Restore both for the next round, directly in the store.
                for id in [one.id, two.id] {
                    guard var user = try await env.store.user(id: id) else { continue }
                    user.role = .admin
                    try await env.store.updateUser(user)
                }
            }
        }
    }
}
