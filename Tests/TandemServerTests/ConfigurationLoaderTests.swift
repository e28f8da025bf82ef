// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Configuration
import Foundation
import TandemApp
import Testing

@testable import TandemServer

@Suite struct ConfigurationLoaderTests {
    static let productionSecret = "a-production-secret-of-more-than-32-bytes"

    /// Loads as `tandem` does: the loader's checks, then the connection strings (`TandemApp`).
    private func load(_ env: [String: String]) async throws -> TandemConfiguration {
        let configuration = try await ConfigurationLoader.standard(environment: env, filePath: nil).load()
        try configuration.checkConnections()
        return configuration
    }

    @Test func defaultsAreEmbedded() async throws {
        let config = try await load([:])
        #expect(config.store.url == "sqlite:data/tandem.sqlite")
        #expect(config.http.port == 8080)
        #expect(config.auth.bcryptCost == 12)
        #expect(config.mode == .development)
        // Unset: the origins the server is reached at (OriginPolicy), not a fixed port's.
        #expect(config.http.allowedOrigins.isEmpty)
        #expect(config.metrics.token.isEmpty)
    }

    @Test func environmentOverrides() async throws {
        let config = try await load(["TANDEM_HTTP_PORT": "9001", "TANDEM_AUTH_ALLOW_SIGN_UP": "false"])
        #expect(config.http.port == 9001)
        #expect(config.auth.allowSignUp == false)
    }

    @Test(arguments: [
        (["TANDEM_HTTP_PORT": "eighty"], "http.port"),
        (["TANDEM_HTTP_PORT": "70000"], "http.port"),
        (["TANDEM_STORE_URL": "postgres://x"], "store.url"),
        (["TANDEM_MODE": "staging"], "mode"),
        (["TANDEM_MODE": "production"], "auth.jwtSecret"),
        (["TANDEM_AUTH_JWT_SECRET": "short"], "auth.jwtSecret"),
        (["TANDEM_METRICS_TOKEN": "too-short"], "metrics.token"),
        (["TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": TandemConfiguration.developmentSecret], "auth.jwtSecret"),
        (["TANDEM_LOG_LEVEL": "loud"], "log.level"),
        (["TANDEM_LOG_FORMAT": "xml"], "log.format"),
        (["TANDEM_HTTP_MAX_BODY_BYTES": "10"], "http.maxBodyBytes"),
        (["TANDEM_HTTP_TRUSTED_PROXIES": "nginx.internal"], "http.trustedProxies"),
        (["TANDEM_STORE_URL": "sqlite:"], "store.url"),
        (["TANDEM_STORE_URL": "mongodb://"], "store.url"),
        (["TANDEM_CLUSTER_REDIS_URL": "http://cache:6379"], "cluster.redisURL"),
        (["TANDEM_AUTH_SECURE_COOKIES": "maybe"], "auth.secureCookies"),
        (["TANDEM_AUTH_ACCESS_TOKEN_SECONDS": "0"], "auth.accessTokenSeconds"),
        (["TANDEM_AUTH_MAX_FAILED_LOGINS_PER_ACCOUNT": "0"], "auth.maxFailedLoginsPerAccount"),
        (
            ["TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": Self.productionSecret, "TANDEM_AUTH_BCRYPT_COST": "4"],
            "auth.bcryptCost"
        ),
        (
            [
                "TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": Self.productionSecret,
                "TANDEM_AUTH_SECURE_COOKIES": "false",
            ], "auth.secureCookies"
        ),
        // Sign-up confirms by e-mail: production refuses sign-up without a way to send the link.
        (["TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": Self.productionSecret], "mail.smtpURL"),
        (
            [
                "TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": Self.productionSecret,
                "TANDEM_MAIL_SMTP_URL": "smtp://m:25",
            ],
            "mail.publicURL"
        ),
        (["TANDEM_MAIL_SMTP_URL": "http://mail.example.com"], "mail.smtpURL"),
        (["TANDEM_MAIL_TLS": "sometimes"], "mail.tls"),
        (["TANDEM_MAIL_FROM": "Tandem <x@y>"], "mail.from"),
        (["TANDEM_MAIL_PUBLIC_URL": "javascript:alert(1)"], "mail.publicURL"),
    ])
    func badValuesNameTheKey(env: [String: String], key: String) async throws {
        await #expect {
            _ = try await load(env)
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }

    @Test func productionModeWithASecretStartsStrict() async throws {
        let config = try await load([
            "TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": Self.productionSecret,
            "TANDEM_MAIL_SMTP_URL": "smtp://mail.example.com:587", "TANDEM_MAIL_PUBLIC_URL": "https://help.example.com",
        ])
        #expect(config.mode == .production)
        #expect(config.auth.jwtSecret == Self.productionSecret)
        #expect(config.log.format == "json")
        #expect(config.auth.secureCookies)
    }

    @Test func flagsBeatEnvironmentBeatsFile() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"http": {"port": 9200, "host": "0.0.0.0"}, "auth": {"allowSignUp": false}}"#.utf8).write(to: file)

        let fromFile = try await ConfigurationLoader.standard(environment: [:], filePath: file.path).load()
        #expect(fromFile.http.port == 9200)
        #expect(fromFile.http.host == "0.0.0.0")
        #expect(fromFile.auth.allowSignUp == false)

        let fromEnvironment = try await ConfigurationLoader.standard(
            environment: ["TANDEM_HTTP_PORT": "9300"], filePath: file.path
        ).load()
        #expect(fromEnvironment.http.port == 9300)
        #expect(fromEnvironment.http.host == "0.0.0.0")

        let fromFlags = try await ConfigurationLoader.standard(
            overrides: ["http.port": "9400"], environment: ["TANDEM_HTTP_PORT": "9300"], filePath: file.path
        ).load()
        #expect(fromFlags.http.port == 9400)
    }

    @Test func anUnknownKeyIsNamedNotIgnored() async throws {
        await #expect {
            _ = try await ConfigurationLoader.standard(overrides: ["http.prot": "9000"], environment: [:], filePath: nil).load()
        } throws: { error in
            (error as? ConfigurationError)?.key == "http.prot"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"http": {"port": 9000}, "live": {"opsPerSeconds": 5}}"#.utf8).write(to: file)
        await #expect {
            _ = try await ConfigurationLoader.standard(environment: [:], filePath: file.path).load()
        } throws: { error in
            (error as? ConfigurationError)?.key == "live.opsPerSeconds"
        }
    }

    /// Every key of the shipped Config/tandem.json is a setting the loader reads.
    @Test func theShippedConfigurationFileLoads() async throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Config/tandem.json").path
        let config = try await ConfigurationLoader.standard(environment: [:], filePath: path).load()
        #expect(config.http.port == TandemConfiguration().http.port)
    }

    @Test func aWrongTypeInTheFileNamesTheKey() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data(#"{"http": {"port": "eighty"}}"#.utf8).write(to: file)
        await #expect {
            _ = try await ConfigurationLoader.standard(environment: [:], filePath: file.path).load()
        } throws: { error in
            (error as? ConfigurationError)?.key == "http.port"
        }
    }

    @Test func aMissingOrBrokenFileIsNamed() async throws {
        await #expect {
            _ = try await ConfigurationLoader.standard(environment: [:], filePath: "/nonexistent/tandem.json").load()
        } throws: { error in
            (error as? ConfigurationError)?.key == "config"
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tandem-config-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try Data("{ not json".utf8).write(to: file)
        await #expect {
            _ = try await ConfigurationLoader.standard(environment: [:], filePath: file.path).load()
        } throws: { error in
            (error as? ConfigurationError)?.key == "config"
        }
    }

    @Test func errorsNameTheEnvironmentVariableToo() {
        let error = ConfigurationError(key: "http.maxBodyBytes", message: "too big")
        #expect(error.description.contains("http.maxBodyBytes"))
        #expect(error.description.contains("TANDEM_HTTP_MAX_BODY_BYTES"))
        #expect(ConfigurationError.environmentName(of: "auth.jwtKeyID") == "AUTH_JWT_KEY_ID")
    }
}
