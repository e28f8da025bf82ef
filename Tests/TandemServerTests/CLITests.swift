// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import HummingbirdTesting
import NIOCore
import Synchronization
import TandemTestSupport
import Testing

/// The `tandem` binary itself: bad configuration stops it with the key named,
/// `user create` bootstraps an account, and SIGTERM drains and exits 0.
@Suite(.timeLimit(.minutes(1))) struct CLITests {
    // MARK: Bad configuration

    @Test(
        arguments: [
            (["serve", "--port", "abc"], [:], "http.port"),
            (["serve", "--port", "70000"], [:], "http.port"),
            (["serve"], ["TANDEM_HTTP_PORT": "eighty"], "http.port"),
            (["serve"], ["TANDEM_STORE_URL": "redis://x"], "store.url"),
            (["serve", "--store", "postgres://db/tandem"], [:], "store.url"),
            (["serve", "--mode", "production"], [:], "auth.jwtSecret"),
            (
                ["serve"],
                ["TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": "tandem-development-secret-change-me-0123456789"],
                "auth.jwtSecret"
            ),
            (["serve", "--mode", "staging"], [:], "mode"),
            (["serve"], ["TANDEM_LOG_LEVEL": "loud"], "log.level"),
            (["serve", "--set", "auth.bcryptCost=99"], [:], "auth.bcryptCost"),
            (["migrate", "--store", "redis://x"], [:], "store.url"),
        ] as [([String], [String: String], String)])
    func badConfigurationExitsNonZeroNamingTheKey(
        arguments: [String], environment: [String: String], key: String
    )
        async throws
    {
        let directory = try TemporaryDirectory()
        let result = try await TandemProcess.run(arguments, environment: environment, in: directory.path)
        #expect(result.status != 0, "stdout: \(result.stdout)\nstderr: \(result.stderr)")
        #expect(result.stderr.contains(key), "stderr should name \(key): \(result.stderr)")
        #expect(!result.stdout.contains("listening on"))
    }

    @Test func aMissingConfigFileIsNamed() async throws {
        let directory = try TemporaryDirectory()
        let result = try await TandemProcess.run(["serve", "--config", "nope.json"], in: directory.path)
        #expect(result.status != 0)
        #expect(result.stderr.contains("config"), "\(result.stderr)")
    }

    // MARK: Running

    @Test func userCreateThenServeThenSIGTERMExitsZero() async throws {
        let directory = try TemporaryDirectory()
        let store = "sqlite:\(directory.path)/tandem.sqlite"
        let created = try await TandemProcess.run(
            [
                "user", "create", "--store", store, "--email", "Root@Example.com", "--name", "Root",
                "--role", "admin", "--password", goodPassword,
            ], in: directory.path)
        #expect(created.status == 0, "\(created.stderr)")
        #expect(created.stdout.contains("created admin root@example.com"), "\(created.stdout)")

        let weak = try await TandemProcess.run(
            ["user", "create", "--store", store, "--email", "x@example.com", "--name", "X", "--password", "short"],
            in: directory.path)
        #expect(weak.status != 0)
        #expect(weak.stderr.contains("password"), "\(weak.stderr)")

        let server = try TandemProcess.start(["serve", "--port", "0", "--store", store], in: directory.path)
        defer { server.stop() }
        let port = try await server.waitForPort()

        try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            let login = try await client.post(
                "/api/v1/auth/login", headers: [.contentType: "application/json"],
                body: ByteBuffer(string: #"{"email":"root@example.com","password":"\#(goodPassword)"}"#))
            #expect(login.status == .ok, "\(login.body.map { String(buffer: $0) } ?? "")")
        }

        let status = await server.terminate(timeout: .seconds(10))
        #expect(status == 0, "serve should exit 0 on SIGTERM; output:\n\(server.output)")
        #expect(server.output.contains("closing the store"), "\(server.output)")
    }

    /// `demo`, `migrate` and `user create` open the store and nothing else: given a cluster
    /// (an unreachable Redis), none of them builds a cluster node. `demo` closes its store
    /// before it exits (the store logs `closed` at debug level).
    @Test func storeCommandsOpenOnlyTheStoreAndCloseIt() async throws {
        let directory = try TemporaryDirectory()
        let common = [
            "--store", "sqlite:\(directory.path)/tandem.sqlite", "--set", "log.level=debug",
            "--set", "cluster.redisURL=redis://127.0.0.1:1",
        ]
        let demo = try await TandemProcess.run(["demo"] + common, in: directory.path)
        #expect(demo.status == 0, "\(demo.stderr)")
        #expect(demo.stdout.contains("Demo data loaded"), "\(demo.stdout)")
        let migrate = try await TandemProcess.run(["migrate"] + common, in: directory.path)
        #expect(migrate.status == 0, "\(migrate.stderr)")
        #expect(migrate.stdout.contains("migrations applied"), "\(migrate.stdout)")
        let user = try await TandemProcess.run(
            ["user", "create", "--email", "root@example.com", "--name", "Root", "--password", goodPassword] + common,
            in: directory.path)
        #expect(user.status == 0, "\(user.stderr)")
        for (command, result) in [("demo", demo), ("migrate", migrate), ("user create", user)] {
            #expect(!result.stdout.contains("cluster node"), "\(command) built a cluster node:\n\(result.stdout)")
            let closed = result.stdout.split(separator: "\n").contains { $0.contains("debug") && $0.hasSuffix("closed") }
            #expect(closed, "\(command) exited without closing its store:\n\(result.stdout)")
        }
    }

    @Test func productionModeLogsJSONLinesWithRequestIDs() async throws {
        let directory = try TemporaryDirectory()
        let server = try TandemProcess.start(
            ["serve", "--port", "0", "--store", "sqlite:\(directory.path)/tandem.sqlite"],
            environment: [
                "TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": "a-production-secret-of-more-than-32-bytes",
                "TANDEM_AUTH_BCRYPT_COST": "10", "TANDEM_AUTH_ALLOW_SIGN_UP": "false",
            ],
            in: directory.path)
        defer { server.stop() }
        let port = try await server.waitForPort()
        let requestID = try await TestClient.withClient(host: "127.0.0.1", port: port) { client in
            let health = try await client.get("/healthz")
            #expect(health.status == .ok)
            return health.headers[.init("X-Request-ID")!]
        }
        let status = await server.terminate(timeout: .seconds(10))
        #expect(status == 0, "\(server.output)")

        var records: [[String: Any]] = []
        for line in server.standardOutput.split(separator: "\n") where !line.hasPrefix("Tandem is listening on ") {
            let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object != nil, "not a JSON line: \(line)")
            if let object { records.append(object) }
        }
        #expect(records.count >= 3)
        for record in records {
            #expect(record["ts"] is String && record["level"] is String && record["msg"] is String, "\(record)")
        }
        let id = try #require(requestID)
        #expect(
            records.contains { $0["msg"] as? String == "request" && $0["hb.request.id"] as? String == id },
            "the request's log line carries the X-Request-ID value")
    }
}
