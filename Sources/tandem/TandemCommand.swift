// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import ArgumentParser

/// `tandem`: the server and its administration commands.
@main
struct TandemCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tandem",
        abstract: "Tandem: a real-time technical-support desk.",
        subcommands: [Serve.self, Migrate.self, UserCommand.self, Demo.self, Backup.self, Restore.self, JobsCommand.self],
        defaultSubcommand: Serve.self)
}
