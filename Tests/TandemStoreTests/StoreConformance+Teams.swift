// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

extension StoreConformance {
    static func teamRoundTrip(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let users = (0..<4).map { fixtures.user(email: "member\($0)@example.com") }
        for user in users { try await store.createUser(user) }

        // Member order is kept as given, not sorted.
        var team = fixtures.team(
            name: "Billing",
            members: [
                TeamMember(userID: users[2].id, role: .supervisor),
                TeamMember(userID: users[0].id, role: .agent),
                TeamMember(userID: users[1].id, role: .agent),
            ])
        try await store.createTeam(team)
        let empty = fixtures.team(name: "Empty")
        try await store.createTeam(empty)
        #expect(try await store.team(id: team.id) == team)
        #expect(try await store.team(id: empty.id) == empty)
        #expect(try await store.team(id: TeamID("tea_missing")) == nil)

        // updateTeam replaces the fields and the whole membership.
        team.name = "Billing & Refunds"
        team.updatedAt = team.updatedAt.adding(seconds: 5)
        team.members = [
            TeamMember(userID: users[3].id, role: .agent),
            TeamMember(userID: users[0].id, role: .supervisor),
        ]
        try await store.updateTeam(team)
        #expect(try await store.team(id: team.id) == team)
        #expect(try await store.memberships(of: users[2].id) == [:])
        #expect(try await store.memberships(of: users[0].id) == [team.id: .supervisor])

        team.members = []
        try await store.updateTeam(team)
        #expect(try await store.team(id: team.id) == team)
        #expect(try await store.listUsers(UserFilter(teamID: team.id), page: PageRequest()).items.isEmpty)
    }

    static func duplicateTeamName(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let billing = fixtures.team(name: "Billing")
        try await store.createTeam(billing)
        await #expect(throws: StoreError.duplicate(kind: "team", field: "name")) {
            try await store.createTeam(fixtures.team(name: "Billing"))
        }
        await #expect(throws: StoreError.duplicate(kind: "team", field: "name")) {
            try await store.createTeam(fixtures.team(name: "bILLING"))
        }
        var sales = fixtures.team(name: "Sales")
        try await store.createTeam(sales)
        sales.name = "BILLING"
        await #expect(throws: StoreError.duplicate(kind: "team", field: "name")) {
            try await store.updateTeam(sales)
        }
        #expect(try await store.team(id: sales.id)?.name == "Sales")
        sales.name = "SALES"
        try await store.updateTeam(sales)
        #expect(try await store.team(id: sales.id)?.name == "SALES")
    }

    static func teamMembersMustBeUsers(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        try await store.createUser(ada)
        let ghost = UserID("usr_ghost")
        let bad = fixtures.team(
            name: "Ghosts",
            members: [
                TeamMember(userID: ada.id, role: .agent), TeamMember(userID: ghost, role: .agent),
            ])
        await #expect(throws: StoreError.notFound(kind: "user", id: ghost.rawValue)) {
            try await store.createTeam(bad)
        }
        // Nothing of the failed team was written.
        #expect(try await store.team(id: bad.id) == nil)
        #expect(try await store.memberships(of: ada.id) == [:])
        try await store.createTeam(fixtures.team(name: "Ghosts"))

        // A failed update leaves the previous membership in place.
        var team = fixtures.team(name: "Real", members: [TeamMember(userID: ada.id, role: .supervisor)])
        try await store.createTeam(team)
        let before = team
        team.name = "Renamed"
        team.members = [TeamMember(userID: ghost, role: .agent)]
        await #expect(throws: StoreError.notFound(kind: "user", id: ghost.rawValue)) {
            try await store.updateTeam(team)
        }
        #expect(try await store.team(id: team.id) == before)

        // The same user twice in one team is refused.
        team = before
        team.members.append(TeamMember(userID: ada.id, role: .agent))
        await #expect(throws: StoreError.duplicate(kind: "teamMember", field: "userID")) {
            try await store.updateTeam(team)
        }
        #expect(try await store.team(id: team.id) == before)
    }

    static func teamPagination(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        try await store.createUser(ada)
        var created: [Team] = []
        for index in 0..<23 {
            let members = index.isMultiple(of: 3) ? [TeamMember(userID: ada.id, role: .agent)] : []
            let team = fixtures.team(name: "Team \(index)", members: members)
            try await store.createTeam(team)
            created.append(team)
        }
        let (visited, pages) = try await collect(limit: 5) { try await store.listTeams(page: $0) }
        #expect(pages == 5)
        #expect(visited == created, "every team once, in id order, with its members")
    }

    static func memberships(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let bob = fixtures.user()
        let loner = fixtures.user()
        for user in [ada, bob, loner] { try await store.createUser(user) }
        let billing = fixtures.team(
            name: "Billing",
            members: [
                TeamMember(userID: ada.id, role: .supervisor), TeamMember(userID: bob.id, role: .agent),
            ])
        var network = fixtures.team(name: "Network", members: [TeamMember(userID: ada.id, role: .agent)])
        try await store.createTeam(billing)
        try await store.createTeam(network)

        #expect(try await store.memberships(of: ada.id) == [billing.id: .supervisor, network.id: .agent])
        #expect(try await store.memberships(of: bob.id) == [billing.id: .agent])
        #expect(try await store.memberships(of: loner.id) == [:])
        #expect(try await store.memberships(of: UserID("usr_missing")) == [:])

        network.members = [TeamMember(userID: ada.id, role: .supervisor), TeamMember(userID: bob.id, role: .agent)]
        try await store.updateTeam(network)
        #expect(try await store.memberships(of: ada.id) == [billing.id: .supervisor, network.id: .supervisor])
        #expect(try await store.memberships(of: bob.id) == [billing.id: .agent, network.id: .agent])
    }
}
