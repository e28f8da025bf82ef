// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
import ServiceLifecycle
import TandemActors

/// Closes every WebSocket with 1001 ("going away") on graceful shutdown, after the
/// frames already queued (acks included) are written, and waits — boundedly — until the
/// connections are gone. Run it *after* the application in a `ServiceGroup`: services
/// stop in reverse order, so the sockets drain before the HTTP server begins to stop.
public struct LiveDrainService: Service {
    let hub: ConnectionHub
    let timeout: Duration
    let logger: Logger

    public init(hub: ConnectionHub, timeout: Duration = .seconds(5), logger: Logger) {
        self.hub = hub
        self.timeout = timeout
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        let open = hub.count
        guard open > 0 else { return }
        logger.info("closing websockets", metadata: ["count": "\(open)"])
        hub.closeAll(code: CloseCode.goingAway, reason: "server shutting down")
        let deadline = ContinuousClock.now + timeout
        while hub.count > 0 && ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(20))
        }
        if hub.count > 0 { logger.warning("websockets still open after drain", metadata: ["count": "\(hub.count)"]) }
    }
}
