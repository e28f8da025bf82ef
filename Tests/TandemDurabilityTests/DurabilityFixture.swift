// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemTestSupport

/// Which store the servers under test run on.
enum DurabilityStore: String, CaseIterable, Sendable, CustomStringConvertible {
    case sqlite
    /// The nx-27017 server `scripts/test.sh` starts (`TANDEM_TEST_MONGO_URL`), one database per fixture.
    case mongodb

    var description: String { rawValue }

    /// Every store this run can reach: MongoDB when a server is configured, and always in CI
    /// (where a missing server then fails the test instead of hiding it).
    static var available: [DurabilityStore] { mongo.enabled ? allCases : [.sqlite] }

    static let mongo = TestService(variable: "TANDEM_TEST_MONGO_URL", needs: "the MongoDB durability test", starts: "nx-27017")

    /// The `--store` argument for a fresh store in `directory`.
    func location(in directory: String) throws -> String {
        switch self {
        case .sqlite:
            return "sqlite:\(directory)/t.sqlite"
        case .mongodb:
            let url = try Self.mongo.requireURL()
            guard var components = URLComponents(string: url) else {
                throw ServerProcessError(description: "TANDEM_TEST_MONGO_URL is not a URL: \(url)")
            }
            components.path = "/tandem_storm_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(12).lowercased()
            return components.string ?? url
        }
    }
}

/// A store with an admin and a ticket, and the server processes run on it.
final class DurabilityFixture {
    static let email = "storm-admin@example.com"
    static let password = "violet-harbour-lantern-42"

    let directory: TemporaryDirectory
    let store: String
    /// Extra `tandem serve` arguments (settings under test), kept across restarts.
    let arguments: [String]
    private(set) var server: ServerProcess
    private(set) var port: Int
    private(set) var token = ""
    private(set) var ticket = ""

    var api: RestAPI { RestAPI(port: port) }
    var check: DurabilityCheck { DurabilityCheck(api: api, endpoint: .node(port: port), token: token, ticket: ticket) }

    /// Creates the admin with `tandem user create`, starts `tandem serve`, logs in and files a ticket.
    init(_ kind: DurabilityStore = .sqlite, arguments: [String] = []) async throws {
        directory = try TemporaryDirectory()
        store = try kind.location(in: directory.path)
        self.arguments = arguments
        _ = try await ServerProcess.runSucceeding(
            [
                "user", "create", "--store", store, "--email", Self.email, "--name", "Storm Admin", "--role", "admin",
                "--password", Self.password, "--set", "auth.bcryptCost=4",
            ], in: directory.path)
        (server, port) = try await Self.serve(store: store, in: directory.path, arguments: arguments)
        token = try await api.login(email: Self.email, password: Self.password)
        ticket = try await api.createTicket(token: token, subject: "Edit storm")
    }

    /// The server goes before its store's directory.
    deinit { server.stop() }

    /// Starts a new server on the same store (after the previous one ended).
    func restart() async throws {
        guard !server.isRunning else {
            throw ServerProcessError(description: "the previous server is still running:\n\(server.output.suffix(2_000))")
        }
        (server, port) = try await Self.serve(store: store, in: directory.path, arguments: arguments)
    }

    private static func serve(store: String, in directory: String, arguments: [String]) async throws -> (ServerProcess, Int) {
        let server = try ServerProcess(
            [
                "serve", "--port", "0", "--store", store, "--set", "auth.bcryptCost=4",
                // The storm measures durability, not the rate limit.
                "--set", "live.opsPerSecond=100000", "--set", "live.opsBurst=1000000",
                "--set", "web.root=/nonexistent-tandem-web",
            ] + arguments, in: directory)
        return (server, try await server.waitForPort())
    }
}
