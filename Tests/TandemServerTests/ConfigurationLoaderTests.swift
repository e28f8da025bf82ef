//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import Configuration
import Testing

@testable import TandemServer

@Suite struct ConfigurationLoaderTests {
    private func load(_ env: [String: String]) async throws -> TandemConfiguration {
        try await ConfigurationLoader.standard(environment: env, filePath: nil).load()
    }

    @Test func defaultsAreEmbedded() async throws {
        let config = try await load([:])
        #expect(config.store.url == "sqlite:data/tandem.sqlite")
        #expect(config.http.port == 8080)
        #expect(config.auth.bcryptCost == 12)
        #expect(config.mode == .development)
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
        (["TANDEM_MODE": "production", "TANDEM_AUTH_JWT_SECRET": TandemConfiguration.developmentSecret], "auth.jwtSecret"),
        (["TANDEM_LOG_LEVEL": "loud"], "log.level"),
    ])
    func badValuesNameTheKey(env: [String: String], key: String) async throws {
        await #expect {
            _ = try await load(env)
        } throws: { error in
            (error as? ConfigurationError)?.key == key
        }
    }
}
