// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Hummingbird
import Logging
import ServiceLifecycle
import TandemServer

/// The one place that builds a Tandem node's application and declares its shutdown order.
public enum TandemApplication {
    /// The application: the HTTP and WebSocket layer, and the services that must stop
    /// with it. `onServerRunning` receives the bound port (useful with port 0).
    ///
    /// Services stop in reverse order: the HTTP server drains first, then the actors write
    /// their final snapshots (and, in a cluster, hand their leases back while Redis is
    /// still reachable), then the cluster runtime stops, the job runner stops (its running jobs
    /// given back), the outbox sender stops, and the store closes.
    public static func build(
        _ dependencies: TandemDependencies,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let configuration = dependencies.configuration
        let layer = try await TandemServerBuilder.build(dependencies.server)
        var app = Application(
            router: layer.router,
            server: layer.server,
            configuration: .init(
                address: .hostname(configuration.http.host, port: configuration.http.port), serverName: "Tandem",
                backlog: listenBacklog(configuration.http.backlog)),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) },
            logger: dependencies.logger)
        app.addServices(StoreService(store: dependencies.store, logger: dependencies.logger))
        if configuration.jobs.enabled {
            app.addServices(
                try JobEngine.runner(
                    store: dependencies.store, configuration: configuration, clock: dependencies.clock,
                    registry: dependencies.registry, attachmentStorage: dependencies.server.attachmentStorage,
                    logger: dependencies.logger))
        }
        app.addServices(
            OutboxService(
                store: dependencies.store, settings: configuration.mail, clock: dependencies.clock, logger: dependencies.logger))
        if let cluster = dependencies.cluster {
            app.addServices(cluster)
        }
        app.addServices(dependencies.actors)
        return app
    }

    /// Runs a node until SIGTERM or SIGINT, then shuts it down gracefully: the live
    /// connections drain first (1001, queued acks written), then the application (above).
    /// A process that runs one node also gives freed heap pages back (``MemoryTrimService``):
    /// the allocator is the process's, so the trim belongs to the process, not to each of the
    /// applications a test process builds.
    public static func run(
        _ dependencies: TandemDependencies, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws {
        let app = try await build(dependencies, onServerRunning: onServerRunning)
        let group = ServiceGroup(
            configuration: .init(
                services: [
                    app, LiveDrainService(hub: dependencies.hub, logger: dependencies.logger),
                    MemoryTrimService(logger: dependencies.logger),
                ],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: dependencies.logger))
        try await group.run()
    }

    /// `http.backlog`, capped at the kernel's `net.core.somaxconn` where it is readable
    /// (Linux caps it silently anyway; capping here keeps the value we report true).
    static func listenBacklog(_ configured: Int) -> Int {
        guard let text = try? String(contentsOfFile: "/proc/sys/net/core/somaxconn", encoding: .utf8),
            let limit = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)), limit > 0
        else { return configured }
        return min(configured, limit)
    }
}
