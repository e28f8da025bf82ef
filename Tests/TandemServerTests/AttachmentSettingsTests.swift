// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Configuration
import Foundation
import TandemApp
import Testing

@testable import TandemServer

/// The `attachments.*` settings: their defaults, and the clear errors for values that cannot work.
@Suite struct AttachmentSettingsTests {
    private func load(_ env: [String: String]) async throws -> TandemConfiguration {
        let configuration = try await ConfigurationLoader.standard(environment: env, filePath: nil).load()
        try configuration.checkConnections()
        return configuration
    }

    @Test func defaultsAndTheTypeLists() async throws {
        let config = try await load([:])
        #expect(config.attachments.maxBytes == 25 << 20)
        #expect(config.attachments.storage == "local")
        let settings = AttachmentSettings(config.attachments)
        #expect(settings.accepts("image/png") && settings.accepts("application/pdf"))
        #expect(
            !settings.accepts("text/html") && !settings.accepts("image/svg+xml") && !settings.accepts("application/x-dosexec"))
        var only = config.attachments
        only.allowedTypes = ["image/png"]
        #expect(AttachmentSettings(only).accepts("image/png") && !AttachmentSettings(only).accepts("application/pdf"))
    }

    @Test func badValuesNameTheirSetting() async throws {
        for (env, key) in [
            (["TANDEM_ATTACHMENTS_STORAGE": "s3"], "attachments.storage"),
            (["TANDEM_ATTACHMENTS_STORAGE": "gridfs"], "attachments.storage"),  // with the SQLite store
            (["TANDEM_ATTACHMENTS_MAX_BYTES": "0"], "attachments.maxBytes"),
        ] {
            do {
                _ = try await load(env)
                Issue.record("\(env) was accepted")
            } catch let error as ConfigurationError {
                #expect(error.key == key, "\(env): \(error)")
            }
        }
        let gridfs = try await load(["TANDEM_ATTACHMENTS_STORAGE": "gridfs", "TANDEM_STORE_URL": "mongodb://127.0.0.1/tandem"])
        #expect(gridfs.attachments.storage == "gridfs")
    }
}
