// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import TandemApp
import TandemCore
import TandemServer

/// `tandem user ...`: manage accounts from the shell (for example the first admin).
struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user", abstract: "Manage users.", subcommands: [Create.self])

    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user, for example the first admin.")

        @OptionGroup var options: ConfigOptions

        @Option(help: "E-mail address (the login).") var email: String
        @Option(help: "Display name.") var name: String
        @Option(help: "customer, agent, supervisor or admin.") var role: String = "admin"
        @Option(help: "Password; read from TANDEM_NEW_PASSWORD when omitted.") var password: String?

        func run() async throws {
            let configuration = try await options.load()
            let logger = LogSetup.bootstrap(configuration)
            guard let role = Role(rawValue: role) else {
                throw ArgumentParser.ValidationError("--role must be one of customer, agent, supervisor, admin")
            }
            guard let password = password ?? ProcessInfo.processInfo.environment["TANDEM_NEW_PASSWORD"] else {
                throw ArgumentParser.ValidationError("give --password or set TANDEM_NEW_PASSWORD")
            }
            do {
                let user = try await StoreFactory.with(configuration.store, logger: logger) { store in
                    let auth = await AuthService.make(
                        configuration.auth, store: store, throttle: InMemoryLoginThrottle(configuration.auth),
                        clock: SystemClock(), logger: logger)
                    return try await auth.createUser(email: email, name: name, password: password, role: role)
                }
                print("created \(user.role.rawValue) \(user.email) (\(user.id))")
            } catch let error as TandemCore.ValidationError {
                throw ArgumentParser.ValidationError("\(error.field): \(error.message)")
            }
        }
    }
}
