// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Prometheus
import TandemActors
import TandemApp
import TandemCore
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

@testable import TandemServer

/// One person with an open session and a bearer token.
struct Person: Sendable {
    var user: User
    var token: String
    var id: String { user.id.rawValue }
}

/// How to build a node for one test.
struct LiveOptions: Sendable {
    /// Changes to the configuration (everything a deployment can set).
    var configure: @Sendable (inout TandemConfiguration) -> Void = { _ in }
    /// Protocol settings the configuration does not expose (authentication timeout, abuse
    /// threshold), changed on the node's ``ServerDependencies/liveSettings``.
    var live: (@Sendable (inout LiveSettings) -> Void)?
    /// Outbound queue limits of the connection hub (not in the configuration either).
    var outbound: OutboundLimits?
    /// Wrap the store in a ``ControlledStore`` (see ``LiveServer/controlled``).
    var controlledStore = false

    init(
        configure: @escaping @Sendable (inout TandemConfiguration) -> Void = { _ in },
        live: (@Sendable (inout LiveSettings) -> Void)? = nil, outbound: OutboundLimits? = nil,
        controlledStore: Bool = false
    ) {
        self.configure = configure
        self.live = live
        self.outbound = outbound
        self.controlledStore = controlledStore
    }
}

/// A running Tandem node on a real socket (port 0), over a temporary SQLite store,
/// with a small cast: an admin, a supervisor and three agents in one team, an agent of
/// another team, and two customers.
struct LiveServer: Sendable {
    let port: Int
    let rest: any TestClientProtocol
    let dependencies: TandemDependencies
    let admin: Person
    let supervisor: Person
    let agents: [Person]
    let outsider: Person
    let customers: [Person]
    let team: Team
    let otherTeam: Team

    /// Builds a node, starts it, runs `body`, and shuts the node down (graceful: actors write
    /// their final snapshots, the store closes).
    static func run<Value: Sendable>(
        _ options: LiveOptions = LiveOptions(), _ body: @escaping @Sendable (LiveServer) async throws -> Value
    ) async throws -> Value {
        var configuration = TandemConfiguration()
        configuration.http.host = "127.0.0.1"
        configuration.http.port = 0
        configuration.auth.bcryptCost = 4
        configuration.web.root =
            FileManager.default.temporaryDirectory
            .appendingPathComponent("tandem-no-web-\(UUID().uuidString)").path
        // Public replies reach customers at once unless a test sets an undo window (PendingReplyTests).
        configuration.replies.undoMilliseconds = 0
        options.configure(&configuration)
        var logger = Logger(label: "tandem.live-test")
        logger.logLevel =
            ProcessInfo.processInfo.environment["TANDEM_TEST_LOG"].flatMap { Logger.Level(rawValue: $0) } ?? .critical
        let sqlite = try SQLiteStore.temporary(logger: logger)
        try await sqlite.migrate()
        let store: any TandemStore = options.controlledStore ? ControlledStore(sqlite) : sqlite
        var dependencies = TandemDependencies(
            configuration: configuration, store: store, clock: SystemClock(),
            throttle: InMemoryLoginThrottle(maxPerAccount: 1000, maxPerAddress: 1000, windowSeconds: 60),
            registry: PrometheusCollectorRegistry(), logger: logger)
        if let outbound = options.outbound { dependencies.replaceHub(limits: outbound) }
        if let customize = options.live { customize(&dependencies.server.liveSettings) }
        let cast = try await Cast.make(dependencies)
        let deps = dependencies
        let run: @Sendable (any TestClientProtocol) async throws -> Value = { client in
            let server = LiveServer(
                port: try #require(client.port), rest: client, dependencies: deps, admin: cast.admin,
                supervisor: cast.supervisor, agents: cast.agents, outsider: cast.outsider, customers: cast.customers,
                team: cast.team, otherTeam: cast.otherTeam)
            return try await body(server)
        }
        let app = try await TandemApplication.build(dependencies)
        return try await app.test(.live, run)
    }

    /// The store, when the test asked for a purgeable one.
    var controlled: ControlledStore? { dependencies.store as? ControlledStore }

    // MARK: Clients

    func connect(_ person: Person, name: String? = nil) async throws -> LiveTestClient {
        try await LiveTestClient.connectAndGreet(port: port, token: person.token, name: name ?? person.user.name)
    }

    /// A new session (and token) for a person, as a second device would have.
    func newSession(_ person: Person) async throws -> Person {
        let issued = try await dependencies.server.authService().openSession(
            for: person.user, address: nil, userAgent: "live-test")
        return Person(user: person.user, token: issued.accessToken)
    }

    // MARK: REST

    struct Reply: Sendable, CustomStringConvertible {
        var status: Int
        var json: JSON
        var description: String { "\(status) \(json)" }
    }

    func request(_ method: HTTPRequest.Method, _ uri: String, as person: Person, body: [String: Any]? = nil) async throws -> Reply
    {
        var headers: HTTPFields = [.authorization: "Bearer \(person.token)"]
        var buffer: ByteBuffer?
        if let body {
            headers[.contentType] = "application/json"
            buffer = ByteBuffer(string: jsonText(body))
        }
        let response = try await rest.executeRequest(uri: uri, method: method, headers: headers, body: buffer)
        return Reply(status: Int(response.status.code), json: JSON(parsing: String(buffer: response.body)) ?? .null)
    }

    /// Creates a ticket through REST as `agent` for `requester` in `team`; returns its id.
    func createTicket(
        as agent: Person, requester: Person, team: Team?, subject: String = "Printer on fire",
        description: String = "It started smoking."
    ) async throws -> String {
        var body: [String: Any] = ["subject": subject, "description": description, "requester": requester.id]
        if let team { body["team"] = team.id.rawValue }
        let reply = try await request(.post, "/api/v1/tickets", as: agent, body: body)
        #expect(reply.status == 201, "create ticket: \(reply)")
        return try #require(reply.json["id"]?.string, "create ticket: \(reply)")
    }

    /// Creates a ticket through REST with `person` as its requester, in `team`; returns its id.
    func createOwnTicket(as person: Person, team: Team?, subject: String = "My laptop") async throws -> String {
        var body: [String: Any] = ["subject": subject, "description": "It will not boot."]
        if let team { body["team"] = team.id.rawValue }
        let reply = try await request(.post, "/api/v1/tickets", as: person, body: body)
        #expect(reply.status == 201, "create ticket: \(reply)")
        return try #require(reply.json["id"]?.string, "create ticket: \(reply)")
    }

    /// The ticket as REST shows it to `person`.
    func ticket(_ id: String, as person: Person) async throws -> JSON {
        let reply = try await request(.get, "/api/v1/tickets/\(id)", as: person)
        #expect(reply.status == 200, "get ticket: \(reply)")
        return reply.json
    }

    /// Sets the ticket's status through REST.
    func setStatus(_ id: String, _ status: String, as person: Person) async throws {
        let reply = try await request(.patch, "/api/v1/tickets/\(id)", as: person, body: ["status": status])
        #expect(reply.status == 200, "set status: \(reply)")
    }

    /// A Prometheus counter's value from `/metrics` (0 when absent).
    func metric(_ name: String) async throws -> Double {
        let response = try await rest.executeRequest(uri: "/metrics", method: .get, headers: [:], body: nil)
        let text = String(buffer: response.body)
        for line in text.split(separator: "\n") where line.hasPrefix(name) && !line.hasPrefix("#") {
            if let value = line.split(separator: " ").last.flatMap({ Double($0) }) { return value }
        }
        return 0
    }
}

/// The people and teams every live test starts with.
private struct Cast: Sendable {
    var admin: Person
    var supervisor: Person
    var agents: [Person]
    var outsider: Person
    var customers: [Person]
    var team: Team
    var otherTeam: Team

    static func make(_ dependencies: TandemDependencies) async throws -> Cast {
        let auth = await dependencies.server.authService()
        func person(_ handle: String, _ role: Role) async throws -> Person {
            let user = try await auth.createUser(
                email: "\(handle)@example.test", name: handle.capitalized, password: "violet-harbour-lantern-42", role: role)
            let issued = try await auth.openSession(for: user, address: nil, userAgent: "live-test")
            return Person(user: user, token: issued.accessToken)
        }
        let admin = try await person("admin", .admin)
        let supervisor = try await person("sam", .supervisor)
        var agents: [Person] = []
        for handle in ["ada", "bo", "cy"] { agents.append(try await person(handle, .agent)) }
        let outsider = try await person("otto", .agent)
        let customers = [try await person("carla", .customer), try await person("dino", .customer)]
        let now = dependencies.clock.now()
        let ids = IdentifierGenerator()
        let team = Team(
            id: ids.make("team", at: UInt64(now.millisecondsSince1970)), name: "Hardware",
            members: [TeamMember(userID: supervisor.user.id, role: .supervisor)]
                + agents.map { TeamMember(userID: $0.user.id, role: .agent) },
            createdAt: now, updatedAt: now)
        let otherTeam = Team(
            id: ids.make("team", at: UInt64(now.millisecondsSince1970)), name: "Billing",
            members: [TeamMember(userID: outsider.user.id, role: .agent)], createdAt: now, updatedAt: now)
        try await dependencies.store.createTeam(team)
        try await dependencies.store.createTeam(otherTeam)
        return Cast(
            admin: admin, supervisor: supervisor, agents: agents, outsider: outsider, customers: customers, team: team,
            otherTeam: otherTeam)
    }
}

extension TandemDependencies {
    /// Rebuilds the connection hub with `limits`, and the actor registry around it, with the
    /// settings the configuration names.
    mutating func replaceHub(limits: OutboundLimits) {
        let configuration = server.configuration
        let hub = ConnectionHub(
            node: configuration.actors.node, limits: limits, metrics: PrometheusMetricsFactory(registry: server.registry))
        server.hub = hub
        server.actors = ActorRegistry(
            node: configuration.actors.node, tickets: server.store, teams: server.store, users: server.store,
            notifications: server.store, delivery: hub, control: hub, clock: server.clock,
            settings: RegistrySettings(configuration), logger: server.logger)
    }
}
