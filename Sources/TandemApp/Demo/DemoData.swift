// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemServer
import TandemStore

/// Demo data for a first look: an admin, three teams with supervisors and
/// agents, and twenty customers, all sharing one password.
public enum DemoData {
    /// The password of every demo account.
    public static let password = "tandem-demo-2026"

    /// What was loaded, for printing.
    public struct Summary: Sendable {
        public var users: Int
        public var teams: Int
        public var tickets: Int
        public var logins: [(role: Role, email: String)]

        /// A few lines naming one login per role.
        public var loginsBanner: String {
            var lines = [
                "Demo data loaded: \(users) users in \(teams) teams, \(tickets) tickets. Demo logins (password \"\(DemoData.password)\"):"
            ]
            for login in logins {
                lines.append("  \(login.role.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)) \(login.email)")
            }
            return lines.joined(separator: "\n")
        }
    }

    private static let teamNames = ["Billing", "Technical Support", "Onboarding"]
    private static let staffNames = [
        "Ada Lovelace", "Grace Hopper", "Linus Pauling", "Marie Curie", "Alan Turing", "Katherine Johnson",
        "Tim Berners-Lee", "Hedy Lamarr", "Claude Shannon", "Barbara Liskov", "Edsger Dijkstra", "Frances Allen",
    ]
    private static let customerNames = [
        "Amélie Dubois", "Bjørn Larsen", "Chen Wei 陈伟", "Dara Ó Briain", "Emeka Okafor", "Fatima Zahra",
        "Gustavo Lima", "Hana Kobayashi", "Ivan Petrov", "Jana Nováková", "Kwame Mensah", "Lucía Fernández",
        "Mateo Rossi", "Nadia Haddad", "Olu Adeyemi", "Priya Sharma", "Quinn O'Neill", "Rosa Parks-Miller",
        "Søren Kierkegaard", "Thandiwe Ndlovu",
    ]

    /// Loads the demo data into `store` when it has no users; returns `nil` otherwise.
    /// Passwords are hashed at `bcryptCost` (`auth.bcryptCost`).
    public static func seedIfEmpty(
        _ store: any TandemStore, bcryptCost: Int, clock: any TandemClock = SystemClock()
    ) async throws -> Summary? {
        guard try await store.countUsers() == 0 else { return nil }
        let ids = IdentifierGenerator()
        let hasher = PasswordHasher(cost: bcryptCost)
        let hash = try await hasher.hash(password)
        var clockMs = clock.now().millisecondsSince1970
        func next() -> Timestamp {
            clockMs += 1
            return Timestamp(millisecondsSince1970: clockMs)
        }
        func makeUser(_ name: String, _ email: String, _ role: Role) async throws -> User {
            let now = next()
            let user = User(
                id: ids.make("usr", at: UInt64(now.millisecondsSince1970)), email: email, name: name, role: role,
                passwordHash: hash, createdAt: now, updatedAt: now)
            try await store.createUser(user)
            return user
        }
        var logins: [(Role, String)] = []
        let admin = try await makeUser("Avery Admin", "admin@tandem.example", .admin)
        logins.append((.admin, admin.email))
        var users = 1
        var teams: [Team] = []
        var customers: [User] = []
        for (teamIndex, teamName) in teamNames.enumerated() {
            var members: [TeamMember] = []
            for offset in 0..<4 {
                let name = staffNames[teamIndex * 4 + offset]
                let role: Role = offset == 0 ? .supervisor : .agent
                let local = name.lowercased().split(separator: " ").first.map(String.init) ?? "agent"
                let user = try await makeUser(name, "\(local)@tandem.example", role)
                members.append(TeamMember(userID: user.id, role: offset == 0 ? .supervisor : .agent))
                if teamIndex == 0 && offset <= 1 { logins.append((role, user.email)) }
                users += 1
            }
            let now = next()
            let team = Team(
                id: ids.make("team", at: UInt64(now.millisecondsSince1970)), name: teamName, members: members,
                createdAt: now, updatedAt: now)
            try await store.createTeam(team)
            teams.append(team)
        }
        for (index, name) in customerNames.enumerated() {
            let user = try await makeUser(name, "customer\(index + 1)@example.com", .customer)
            if index == 0 { logins.append((.customer, user.email)) }
            customers.append(user)
            users += 1
        }
        let tickets = try await DemoTickets.seed(
            store: store, customers: customers, teams: teams, startMs: next().millisecondsSince1970)
        return Summary(users: users, teams: teamNames.count, tickets: tickets, logins: logins)
    }
}
