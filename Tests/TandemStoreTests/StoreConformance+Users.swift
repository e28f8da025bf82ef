// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore
import Testing

extension StoreConformance {
    static func userRoundTrip(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        var ada = fixtures.user(email: "ada@example.com", name: "Ada Lovelace", role: .supervisor)
        let bob = fixtures.user(email: "bob@example.com", name: "Bob", role: .customer, disabled: true)
        try await store.createUser(ada)
        try await store.createUser(bob)

        #expect(try await store.user(id: ada.id) == ada)
        #expect(try await store.user(id: bob.id) == bob)
        #expect(try await store.user(email: "ada@example.com") == ada)
        #expect(try await store.user(email: "ADA@Example.COM") == ada)
        #expect(try await store.user(id: UserID("usr_missing")) == nil)
        #expect(try await store.user(email: "nobody@example.com") == nil)
        #expect(try await store.countUsers() == 2)

        ada.email = "countess@example.com"
        ada.name = "Augusta Ada King"
        ada.role = .admin
        ada.passwordHash = "$2b$12$another"
        ada.disabled = true
        ada.updatedAt = ada.updatedAt.adding(seconds: 60)
        try await store.updateUser(ada)
        #expect(try await store.user(id: ada.id) == ada)
        #expect(try await store.user(email: "countess@example.com") == ada)
        #expect(try await store.user(email: "ada@example.com") == nil)
        #expect(try await store.user(id: bob.id) == bob)
        #expect(try await store.countUsers() == 2)
    }

    static func duplicateEmail(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user(email: "ada@example.com")
        try await store.createUser(ada)

        await #expect(throws: StoreError.duplicate(kind: "user", field: "email")) {
            try await store.createUser(fixtures.user(email: "ada@example.com"))
        }
        await #expect(throws: StoreError.duplicate(kind: "user", field: "email")) {
            try await store.createUser(fixtures.user(email: "ADA@EXAMPLE.com"))
        }
        var sameID = fixtures.user(email: "other@example.com")
        sameID = User(
            id: ada.id, email: sameID.email, name: sameID.name, role: sameID.role,
            passwordHash: sameID.passwordHash, createdAt: sameID.createdAt, updatedAt: sameID.updatedAt
        )
        await #expect(throws: StoreError.duplicate(kind: "user", field: "id")) {
            try await store.createUser(sameID)
        }

        // Taking someone else's address on update.
        var bob = fixtures.user(email: "bob@example.com")
        try await store.createUser(bob)
        bob.email = "Ada@Example.com"
        await #expect(throws: StoreError.duplicate(kind: "user", field: "email")) {
            try await store.updateUser(bob)
        }
        #expect(try await store.user(email: "bob@example.com")?.id == bob.id)
        #expect(try await store.user(id: ada.id) == ada)
        #expect(try await store.countUsers() == 2)

        // Changing the case of one's own address is not a conflict.
        bob.email = "BOB@example.com"
        try await store.updateUser(bob)
        #expect(try await store.user(id: bob.id)?.email == "BOB@example.com")
    }

    static func updateMissing(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ghost = fixtures.user()
        await #expect(throws: StoreError.notFound(kind: "user", id: ghost.id.rawValue)) {
            try await store.updateUser(ghost)
        }
        let team = fixtures.team()
        await #expect(throws: StoreError.notFound(kind: "team", id: team.id.rawValue)) {
            try await store.updateTeam(team)
        }
        let session = fixtures.session(for: ghost.id)
        await #expect(throws: StoreError.notFound(kind: "session", id: session.id.rawValue)) {
            try await store.rotateRefreshToken(sessionID: session.id, newHash: "x", expiresAt: fixtures.now)
        }
        #expect(try await store.countUsers() == 0)
        #expect(try await store.team(id: team.id) == nil)
    }

    /// A write computed from a stale read is refused instead of undoing what changed meanwhile.
    static func fencedUserUpdate(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let original = fixtures.user(email: "kim@example.com", name: "Kim", role: .agent)
        try await store.createUser(original)

        // An admin disables Kim while someone else's rename is in flight, computed from `original`.
        var disabled = original
        disabled.disabled = true
        disabled.updatedAt = original.updatedAt.adding(seconds: 1)
        try await store.updateUser(disabled, expecting: original)
        var renamed = original
        renamed.name = "Kim Renamed"
        renamed.updatedAt = original.updatedAt.adding(seconds: 2)
        await #expect(
            throws: StoreError.versionConflict(
                kind: "user", id: original.id.rawValue, version: original.updatedAt.millisecondsSince1970)
        ) {
            try await store.updateUser(renamed, expecting: original)
        }
        #expect(try await store.user(id: original.id) == disabled)

        // Computed from the current record, the same rename goes through and keeps the disable.
        renamed = disabled
        renamed.name = "Kim Renamed"
        renamed.updatedAt = disabled.updatedAt.adding(seconds: 1)
        try await store.updateUser(renamed, expecting: disabled)
        #expect(try await store.user(id: original.id) == renamed)

        let ghost = fixtures.user(email: "ghost@example.com")
        await #expect(throws: StoreError.notFound(kind: "user", id: ghost.id.rawValue)) {
            try await store.updateUser(ghost, expecting: ghost)
        }
    }

    static func userPagination(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        var created: [User] = []
        for index in 0..<45 {
            let user = fixtures.user(email: "user\(index)@example.com", name: "User \(index)")
            try await store.createUser(user)
            created.append(user)
        }
        let (visited, pages) = try await collect(limit: 10) { try await store.listUsers(UserFilter(), page: $0) }
        #expect(pages == 5)
        #expect(visited == created, "every user exactly once, in creation (id) order")

        // A page count that divides exactly must not end with an empty page.
        let (byFifteen, fifteenPages) = try await collect(limit: 15) {
            try await store.listUsers(UserFilter(), page: $0)
        }
        #expect(fifteenPages == 3)
        #expect(byFifteen.map(\.id) == created.map(\.id))

        // Rows inserted after a cursor was handed out appear later, not twice.
        let first = try await store.listUsers(UserFilter(), page: PageRequest(limit: 40))
        let late = fixtures.user(email: "late@example.com")
        try await store.createUser(late)
        let rest = try await store.listUsers(UserFilter(), page: PageRequest(after: first.nextCursor, limit: 40))
        #expect(rest.items.map(\.id) == created[40...].map(\.id) + [late.id])
        #expect(rest.nextCursor == nil)
    }

    static func paginationEdges(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let empty = try await store.listUsers(UserFilter(), page: PageRequest())
        #expect(empty.items.isEmpty)
        #expect(empty.nextCursor == nil)

        var created: [User] = []
        for index in 0..<205 {
            let user = fixtures.user(email: "u\(index)@example.com")
            try await store.createUser(user)
            created.append(user)
        }
        // limit is clamped to 1...200.
        let zero = try await store.listUsers(UserFilter(), page: PageRequest(limit: 0))
        #expect(zero.items.map(\.id) == [created[0].id])
        #expect(zero.nextCursor != nil)
        let negative = try await store.listUsers(UserFilter(), page: PageRequest(limit: -5))
        #expect(negative.items.count == 1)
        let huge = try await store.listUsers(UserFilter(), page: PageRequest(limit: 10_000))
        #expect(huge.items.map(\.id) == created.prefix(200).map(\.id))
        let tail = try await store.listUsers(UserFilter(), page: PageRequest(after: huge.nextCursor, limit: 10_000))
        #expect(tail.items.map(\.id) == created.suffix(5).map(\.id))
        #expect(tail.nextCursor == nil)
        let all = try await collect(limit: 1) { try await store.listUsers(UserFilter(), page: $0) }
        #expect(all.items.map(\.id) == created.map(\.id))
    }

    static func userFilters(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let ada = fixtures.user(email: "ada@analytical.org", name: "Ada Lovelace", role: .admin)
        let grace = fixtures.user(email: "grace@navy.mil", name: "Grace Hopper", role: .agent)
        let alan = fixtures.user(email: "alan@bletchley.uk", name: "Alan Turing", role: .agent, disabled: true)
        let percent = fixtures.user(email: "promo@shop.example", name: "100% Discount_Bot", role: .customer)
        let elodie = fixtures.user(email: "elodie@example.fr", name: "Élodie Dupré", role: .customer)
        let all = [ada, grace, alan, percent, elodie]
        for user in all { try await store.createUser(user) }
        let team = fixtures.team(members: [
            TeamMember(userID: grace.id, role: .agent), TeamMember(userID: alan.id, role: .supervisor),
        ])
        try await store.createTeam(team)
        let otherTeam = fixtures.team(members: [TeamMember(userID: ada.id, role: .supervisor)])
        try await store.createTeam(otherTeam)

        func ids(_ filter: UserFilter, limit: Int = 50) async throws -> [UserID] {
            try await collect(limit: limit) { try await store.listUsers(filter, page: $0) }.items.map(\.id)
        }

        #expect(try await ids(UserFilter()) == all.map(\.id))
        #expect(try await ids(UserFilter(role: .agent)) == [grace.id, alan.id])
        #expect(try await ids(UserFilter(role: .supervisor)) == [])
        #expect(try await ids(UserFilter(disabled: true)) == [alan.id])
        #expect(try await ids(UserFilter(disabled: false)) == [ada.id, grace.id, percent.id, elodie.id])
        #expect(try await ids(UserFilter(query: "HOPPER")) == [grace.id])
        #expect(try await ids(UserFilter(query: "a")) == all.map(\.id))
        #expect(try await ids(UserFilter(query: "navy.MIL")) == [grace.id], "e-mail substring")
        #expect(try await ids(UserFilter(query: "lo")) == [ada.id, elodie.id])
        #expect(try await ids(UserFilter(query: "élodie")) == [elodie.id])
        #expect(try await ids(UserFilter(query: "ÉLODIE")) == [elodie.id], "non-ASCII case folding")
        #expect(try await ids(UserFilter(query: "%")) == [percent.id], "% is literal")
        #expect(try await ids(UserFilter(query: "_")) == [percent.id], "_ is literal")
        #expect(try await ids(UserFilter(query: "0% d")) == [percent.id])
        #expect(try await ids(UserFilter(query: "a_a")) == [])
        #expect(try await ids(UserFilter(query: "\\")) == [])
        #expect(try await ids(UserFilter(query: "nobody")) == [])
        #expect(try await ids(UserFilter(teamID: team.id)) == [grace.id, alan.id])
        #expect(try await ids(UserFilter(teamID: otherTeam.id)) == [ada.id])
        #expect(try await ids(UserFilter(teamID: TeamID("tea_missing"))) == [])
        #expect(try await ids(UserFilter(role: .agent, disabled: false, teamID: team.id)) == [grace.id])
        #expect(try await ids(UserFilter(role: .agent, query: "turing", teamID: team.id)) == [alan.id])
        #expect(try await ids(UserFilter(role: .customer, query: "é")) == [elodie.id])
        // Filters hold across pages.
        #expect(try await ids(UserFilter(disabled: false), limit: 1) == [ada.id, grace.id, percent.id, elodie.id])
        #expect(try await ids(UserFilter(teamID: team.id), limit: 1) == [grace.id, alan.id])
    }

    static func invalidCursor(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        for _ in 0..<3 { try await store.createUser(fixtures.user()) }
        try await store.createTeam(fixtures.team())
        try await store.createTeam(fixtures.team())

        for garbage in ["", "nope", "c1.", "c1.!!!", "c1.e30", "v9.AAAA", "🙂", String(repeating: "A", count: 4096)] {
            await #expect(throws: StoreError.invalidCursor, "cursor \(garbage.prefix(20))") {
                _ = try await store.listUsers(UserFilter(), page: PageRequest(after: garbage, limit: 1))
            }
            await #expect(throws: StoreError.invalidCursor) {
                _ = try await store.listTeams(page: PageRequest(after: garbage, limit: 1))
            }
        }
        // A cursor from one listing is refused by another.
        let teamCursor = try #require(try await store.listTeams(page: PageRequest(limit: 1)).nextCursor)
        await #expect(throws: StoreError.invalidCursor) {
            _ = try await store.listUsers(UserFilter(), page: PageRequest(after: teamCursor, limit: 1))
        }
        // A genuine cursor with one character changed is refused or at worst
        // still a valid position; it never crashes or leaks another error.
        let userCursor = try #require(try await store.listUsers(UserFilter(), page: PageRequest(limit: 1)).nextCursor)
        var tampered = Array(userCursor)
        tampered[tampered.count / 2] = tampered[tampered.count / 2] == "x" ? "y" : "x"
        do {
            _ = try await store.listUsers(UserFilter(), page: PageRequest(after: String(tampered), limit: 1))
        } catch let error as StoreError {
            #expect(error == .invalidCursor)
        }
    }

    static func unicodeRoundTrip(_ store: any TandemStore) async throws {
        var fixtures = Fixtures()
        let names = [
            "👩‍👩‍👧‍👦 Family 🏳️‍🌈",  // ZWJ sequences and flags
            "山田 太郎",  // CJK
            "Jose\u{301} Nun\u{303}ez",  // combining marks, not precomposed
            "José Núñez",  // precomposed: a different string in storage
            "Zoë 🇫🇷 \u{202E}RTL override",
            "עברית العربية",
            "Ǆemal Ωmega ß",
        ]
        var users: [User] = []
        for (index, name) in names.enumerated() {
            let user = fixtures.user(email: "unicode\(index)@example.com", name: name)
            try await store.createUser(user)
            users.append(user)
        }
        for user in users {
            let stored = try #require(try await store.user(id: user.id))
            #expect(Array(stored.name.unicodeScalars) == Array(user.name.unicodeScalars), "\(user.name)")
        }
        let listed = try await store.listUsers(UserFilter(), page: PageRequest(limit: 200)).items
        #expect(listed.map { Array($0.name.unicodeScalars) } == users.map { Array($0.name.unicodeScalars) })
        #expect(try await store.listUsers(UserFilter(query: "山田"), page: PageRequest()).items.map(\.id) == [users[1].id])

        let team = fixtures.team(name: "サポート 🛠️ Équipe")
        try await store.createTeam(team)
        let storedTeam = try #require(try await store.team(id: team.id))
        #expect(Array(storedTeam.name.unicodeScalars) == Array(team.name.unicodeScalars))
    }
}
