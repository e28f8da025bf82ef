// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemTestSupport

/// A real cluster on loopback, started with `scripts/cluster up` (the same script people
/// use): Redis, nx-27017, N `tandem serve` nodes and nginx with TLS in front. Stopped
/// with `scripts/cluster down` when the fixture goes away.
final class ClusterFixture: Sendable {
    static let email = DurabilityFixture.email
    static let password = DurabilityFixture.password

    let state: TemporaryDirectory
    /// Node name (`n1`, …) → its HTTP port.
    let nodes: [String: Int]
    let nginxPort: Int
    let nginxHTTPPort: Int
    let certificate: String
    let redisURL: String
    let mongoURL: String
    let token: String

    /// Whether this machine can run a cluster; in CI (`CI=true`) a missing part fails the test instead.
    static var available: Bool {
        let ci = TestService.isCI
        let tools = ["/usr/sbin/nginx", "/usr/bin/redis-server", "/usr/bin/redis-cli", venv + "/bin/nx-27017"]
        return ci || tools.allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static var venv: String { ProcessInfo.processInfo.environment["TANDEM_VENV"] ?? root + "/.venv" }

    /// Starts a cluster of `nodes` nodes with extra `settings` (`key=value`) on every node,
    /// creates the admin and logs in through nginx.
    init(nodes count: Int = 3, settings: [String] = []) async throws {
        guard let binary = ServerProcess.binary else {
            throw ServerProcessError(description: "the tandem executable is not built; run `swift build --build-tests`")
        }
        state = try TemporaryDirectory()
        var arguments = ["up", "--nodes", "\(count)", "--state", state.path, "--binary", binary.path]
        for setting in ["auth.bcryptCost=4", "live.opsPerSecond=100000", "live.opsBurst=1000000"] + settings {
            arguments += ["--set", setting]
        }
        let output: String
        do {
            output = try await Self.script(arguments)
        } catch {
            Self.down(state.path)  // whatever did start
            throw error
        }
        let env = Self.parse(output)
        guard let nodeList = env["TANDEM_CLUSTER_NODES"], let url = env["TANDEM_CLUSTER_URL"],
            let port = URLComponents(string: url)?.port, let http = env["TANDEM_CLUSTER_HTTP_URL"],
            let httpPort = URLComponents(string: http)?.port, let ca = env["TANDEM_CLUSTER_CA"],
            let redis = env["TANDEM_CLUSTER_REDIS_URL"], let mongo = env["TANDEM_CLUSTER_MONGO_URL"]
        else {
            Self.down(state.path)
            throw ServerProcessError(description: "scripts/cluster up printed no environment:\n\(output.suffix(2_000))")
        }
        var nodes: [String: Int] = [:]
        for pair in nodeList.split(separator: ",") {
            let parts = pair.split(separator: "=")
            if parts.count == 2, let port = Int(parts[1]) { nodes[String(parts[0])] = port }
        }
        self.nodes = nodes
        nginxPort = port
        nginxHTTPPort = httpPort
        certificate = ca
        redisURL = redis
        mongoURL = mongo
        _ = try await ServerProcess.runSucceeding(
            [
                "user", "create", "--store", mongo, "--email", Self.email, "--name", "Cluster Admin", "--role", "admin",
                "--password", Self.password, "--set", "auth.bcryptCost=4",
            ], in: state.path)
        token = try await RestAPI(port: nodes.values.min() ?? 0).login(email: Self.email, password: Self.password)
    }

    /// Stops every process of the cluster (`scripts/cluster down`), blocking: whatever way a
    /// test ends, nothing it started outlives it.
    deinit {
        Self.down(state.path)
    }

    private static func down(_ state: String) {
        let result = try? Command.runBlocking(
            "/bin/bash", [root + "/scripts/cluster", "down", "--state", state],
            environment: ProcessInfo.processInfo.environment)
        if result?.status != 0 { print("[cluster] scripts/cluster down failed: \(result?.output.suffix(500) ?? "")") }
    }

    var nodeNames: [String] { nodes.keys.sorted() }
    var nginx: LiveEndpoint {
        // By name: TLS clients may not send an IP address as SNI (the certificate covers both).
        get throws { try .tls(host: "localhost", port: nginxPort, caFile: certificate) }
    }
    func endpoint(_ node: String) -> LiveEndpoint { .node(port: nodes[node] ?? 0) }
    func api(_ node: String) -> RestAPI { RestAPI(port: nodes[node] ?? 0) }

    /// Waits until the ticket's version has not moved for a second (edits still in flight
    /// when a storm's sockets were dropped may commit a little later), and returns it.
    func settle(ticket: String, on node: String) async throws -> Int64 {
        var last = try await api(node).ticket(ticket, token: token).version
        for _ in 0..<30 {
            try await Task.sleep(for: .seconds(1))
            let now = try await api(node).ticket(ticket, token: token).version
            if now == last { return now }
            last = now
        }
        return last
    }

    /// `scripts/cluster kill NODE SIGNAL`: waits until the process is gone.
    func kill(_ node: String, signal: String = "KILL") async throws {
        _ = try await Self.script(["kill", node, signal, "--state", state.path])
    }

    /// Starts a stopped node again on its port.
    func start(_ node: String) async throws {
        _ = try await Self.script(["start", node, "--state", state.path])
    }

    /// `scripts/cluster redis|mongo stop|start`.
    func service(_ name: String, _ action: String) async throws {
        _ = try await Self.script([name, action, "--state", state.path])
    }

    /// The node holding the ticket's lease in Redis, if any.
    func owner(ofTicket ticket: String) async throws -> String? {
        guard let port = URLComponents(string: redisURL)?.port else { return nil }
        let output = try await Self.run("/usr/bin/redis-cli", ["-p", "\(port)", "--raw", "GET", "tandem:lease:ticket:\(ticket)"])
        // The lease holds `<node>/<epoch>` (the epoch tells runs of one node apart).
        let value = output.trimmingCharacters(in: .whitespacesAndNewlines)
        guard let node = value.split(separator: "/").first, !node.isEmpty else { return nil }
        return String(node)
    }

    // MARK: - Running the script

    private static func script(_ arguments: [String]) async throws -> String {
        try await run("/bin/bash", [root + "/scripts/cluster"] + arguments)
    }

    /// Runs a short-lived command; its output, or an error with its output when it fails.
    private static func run(_ executable: String, _ arguments: [String]) async throws -> String {
        // The services are found from the venv; the nodes get no TANDEM_* of ours.
        var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("TANDEM_") }
        environment["TANDEM_VENV"] = venv
        let result = try await Command.run(executable, arguments, environment: environment)
        guard result.status == 0 else {
            throw ServerProcessError(
                description:
                    "\(executable) \(arguments.joined(separator: " ")) exited \(result.status):\n\(result.output.suffix(3_000))")
        }
        return result.output
    }

    /// `KEY=VALUE` lines.
    private static func parse(_ output: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }
}
