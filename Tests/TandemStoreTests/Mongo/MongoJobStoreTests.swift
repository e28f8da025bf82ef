// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Testing

/// The job store conformance suite against MongoDB, each check on its own database.
@Suite("MongoJobStore", .enabled(if: MongoTestEnvironment.enabled))
struct MongoJobStoreTests {
    @Test("conformance: mongodb", arguments: JobStoreConformanceCheck.allCases)
    func conformance(_ check: JobStoreConformanceCheck) async throws {
        try await check.run { try await .tandem(MongoTestEnvironment.temporaryStore()) }
    }
}
