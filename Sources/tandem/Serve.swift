// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import TandemApp
import TandemServer

/// `tandem serve`: run a node until SIGTERM or SIGINT, then drain and exit 0.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Tandem server.")

    @OptionGroup var options: ConfigOptions

    @Flag(help: "Load the demo data when the store is empty, and print the demo logins.")
    var demo = false

    func run() async throws {
        let configuration = try await options.load()
        let errors = LogEventCounter()
        let logger = LogSetup.bootstrap(configuration, errors: errors)
        var dependencies = try await TandemDependencies.make(configuration: configuration, logger: logger)
        dependencies.server.logEvents = errors
        if demo {
            let seeded = try await DemoData.seedIfEmpty(dependencies.store, bcryptCost: configuration.auth.bcryptCost)
            if let seeded { say(seeded.loginsBanner) }
        }
        try await TandemApplication.run(dependencies) { port in
            say("Tandem is listening on http://\(configuration.http.host):\(port)")
        }
    }
}

/// `tandem migrate`: bring the store's schema up to date and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending store migrations.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try await options.load()
        let logger = LogSetup.bootstrap(configuration)
        // Opening a store migrates it; nothing else of a node is built.
        try await StoreFactory.with(configuration.store, logger: logger) { _ in }
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
        let seeded = try await StoreFactory.with(configuration.store, logger: logger) { store in
            try await DemoData.seedIfEmpty(store, bcryptCost: configuration.auth.bcryptCost)
        }
        guard let seeded else {
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
