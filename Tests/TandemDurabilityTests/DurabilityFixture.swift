//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

/// A store file with an admin and a ticket, and the server processes run on it.
final class DurabilityFixture {
    static let email = "storm-admin@example.com"
    static let password = "violet-harbour-lantern-42"

    let directory: TemporaryDirectory
    let store: String
    private(set) var server: ServerProcess
    private(set) var port: Int
    private(set) var token = ""
    private(set) var ticket = ""

    var api: RestAPI { RestAPI(port: port) }
    var check: DurabilityCheck { DurabilityCheck(api: api, port: port, token: token, ticket: ticket) }

    /// Creates the admin with `tandem user create`, starts `tandem serve`, logs in and files a ticket.
    init() async throws {
        directory = try TemporaryDirectory()
        store = "sqlite:\(directory.path)/t.sqlite"
        _ = try await ServerProcess.run(
            [
                "user", "create", "--store", store, "--email", Self.email, "--name", "Storm Admin", "--role", "admin",
                "--password", Self.password, "--set", "auth.bcryptCost=4",
            ], in: directory.path)
        (server, port) = try await Self.serve(store: store, in: directory.path)
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
        (server, port) = try await Self.serve(store: store, in: directory.path)
    }

    private static func serve(store: String, in directory: String) async throws -> (ServerProcess, Int) {
        let server = try ServerProcess(
            [
                "serve", "--port", "0", "--store", store, "--set", "auth.bcryptCost=4",
                // The storm measures durability, not the rate limit.
                "--set", "live.opsPerSecond=100000", "--set", "live.opsBurst=1000000",
                "--set", "web.root=/nonexistent-tandem-web",
            ], in: directory)
        return (server, try await server.waitForPort())
    }
}
