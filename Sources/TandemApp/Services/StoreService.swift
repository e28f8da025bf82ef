// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import ServiceLifecycle
import TandemStore

/// Closes the store on graceful shutdown, after everything that writes to it has stopped
/// (it runs first among the application's services, so it stops last).
struct StoreService: Service {
    let store: any TandemStore
    let logger: Logger

    func run() async throws {
        try? await gracefulShutdown()
        logger.info("flushing and closing the store")
        try await store.close()
    }
}
