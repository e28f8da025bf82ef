//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import ArgumentParser
import Foundation
import Hummingbird
import ServiceLifecycle
import TandemServer

/// `tandem serve`: run a node until SIGTERM or SIGINT, then drain and exit 0.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Tandem server.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Load the demo data when the store is empty, and print the demo logins.")
    var demo = false

    func run() async throws {
        let configuration = try await options.load()
        let logger = LogSetup.bootstrap(configuration)
        let dependencies = try await TandemDependencies.make(configuration: configuration, logger: logger)
        if demo {
            let seeded = try await DemoData.seedIfEmpty(dependencies)
            if let seeded { say(seeded.loginsBanner) }
        }
        let app = try await TandemServerBuilder.build(dependencies) { port in
            say("Tandem is listening on http://\(configuration.http.host):\(port)")
        }
        // The live connections drain (1001, queued acks written) before the HTTP server stops.
        let group = ServiceGroup(
            configuration: .init(
                services: [app, LiveDrainService(hub: dependencies.hub, logger: logger)],
                gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }
}

/// `tandem migrate`: bring the store's schema up to date and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending store migrations.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try await options.load()
        let logger = LogSetup.bootstrap(configuration)
        let dependencies = try await TandemDependencies.make(configuration: configuration, logger: logger)
        try await dependencies.store.close()
        print("migrations applied to \(configuration.store.url)")
    }
}

/// `tandem demo`: load the demo data into an empty store.
struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Load demo teams, agents and customers.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try await options.load()
        let logger = LogSetup.bootstrap(configuration)
        let dependencies = try await TandemDependencies.make(configuration: configuration, logger: logger)
        defer { Task { try? await dependencies.store.close() } }
        guard let seeded = try await DemoData.seedIfEmpty(dependencies) else {
            print("the store already has users; demo data not loaded")
            return
        }
        print(seeded.loginsBanner)
    }
}

/// Writes a line to standard output at once (unbuffered, even when stdout is a pipe),
/// for lines that scripts and tests wait for.
func say(_ line: String) {
    FileHandle.standardOutput.write(Data((line + "\n").utf8))
}
