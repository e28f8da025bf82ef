// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import TandemApp
import TandemServer
import TandemStore

/// `tandem backup --out FILE`: every record of the configured store into a portable archive.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every record of the store to a portable archive (works while the server runs).")

    @OptionGroup var options: ConfigOptions

    @Option(help: "The archive to write (replaced if it exists).")
    var out: String

    func run() async throws {
        let configuration = try await options.load()
        let logger = LogSetup.bootstrap(configuration)
        let store = try await StoreFactory.open(configuration.store, logger: logger)
        do {
            let manifest = try await StoreBackup.write(from: store, to: out)
            try await store.close()
            print("backed up \(configuration.store.url) to \(out): \(BackupSummary.counts(manifest))")
            print("consistency: \(manifest.consistency)")
        } catch {
            try? await store.close()
            FileHandle.standardError.write(Data("tandem: backup failed: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

/// `tandem restore FILE`: an archive into the configured store, which must be empty.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Load a backup archive into an empty store (any store: this is also how to move between stores).")

    @OptionGroup var options: ConfigOptions

    @Argument(help: "The archive to read.")
    var file: String

    func run() async throws {
        let configuration = try await options.load()
        // The whole archive is checked before the store is even opened.
        do {
            _ = try StoreBackup.verify(file)
        } catch {
            FileHandle.standardError.write(Data("tandem: cannot restore: \(error)\n".utf8))
            throw ExitCode.failure
        }
        let logger = LogSetup.bootstrap(configuration)
        let store = try await StoreFactory.open(configuration.store, logger: logger)
        do {
            let manifest = try await StoreBackup.restore(from: file, into: store)
            try await store.close()
            print(
                "restored \(file) (\(manifest.store), \(manifest.createdAt)) into \(configuration.store.url): \(BackupSummary.counts(manifest))"
            )
        } catch {
            try? await store.close()
            FileHandle.standardError.write(Data("tandem: cannot restore: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

enum BackupSummary {
    static func counts(_ manifest: BackupManifest) -> String {
        manifest.sections.map { "\($0.records) \($0.kind.rawValue)" }.joined(separator: ", ")
    }
}
