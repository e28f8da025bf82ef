// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import ArgumentParser
import Foundation
import TandemApp
import TandemCore
import TandemJobs
import TandemServer
import TandemStore

/// `tandem jobs ...`: the job engine's queues and failed set, straight from the store (the
/// same operations as `/api/v1/admin/jobs`, for an operator on the host).
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs", abstract: "Inspect job queues; retry or discard failed jobs.",
        subcommands: [List.self, Failed.self, Retry.self, Discard.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Jobs per queue and state.")
        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let counts = try await withStore(options) { store in try await store.jobCounts(now: SystemClock().now()) }
            print(JobsCommand.row("QUEUE", "WAITING", "DELAYED", "ACTIVE", "COMPLETED", "FAILED"))
            for queue in counts.keys.sorted() {
                let c = counts[queue]!
                print(JobsCommand.row(queue, "\(c.waiting)", "\(c.delayed)", "\(c.active)", "\(c.completed)", "\(c.failed)"))
            }
        }
    }

    struct Failed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Failed jobs, newest first.")
        @OptionGroup var options: ConfigOptions
        @Option(help: "Only this queue.") var queue: String?
        @Option(help: "At most this many (1-200).") var limit: Int = 50

        func run() async throws {
            guard (1...200).contains(limit) else { throw ArgumentParser.ValidationError("--limit must be 1 to 200") }
            let page = try await withStore(options) { store in
                try await store.failedJobs(queue: queue, page: PageRequest(limit: limit))
            }
            for job in page.items {
                print("\(job.id)  \(job.queue)/\(job.name)  attempts \(job.attempts)/\(job.maxAttempts)  \(job.lastError ?? "")")
            }
            if page.items.isEmpty { print("no failed jobs") }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Run a failed job again, now, with fresh attempts.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The job id (job_...).") var id: String

        func run() async throws {
            let job = try await withStore(options) { store in
                try await JobsCommand.explained(id) { try await store.retryFailedJob(id: JobID(id), at: SystemClock().now()) }
            }
            print("\(job.id) waiting again in \(job.queue)")
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Delete a failed job.")
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The job id (job_...).") var id: String

        func run() async throws {
            try await withStore(options) { store in
                try await JobsCommand.explained(id) { try await store.discardFailedJob(id: JobID(id)) }
            }
            print("\(id) discarded")
        }
    }

    static func row(_ columns: String...) -> String {
        columns.enumerated().map { index, text in
            index == 0
                ? text.padding(toLength: 24, withPad: " ", startingAt: 0)
                : String(repeating: " ", count: max(0, 10 - text.count)) + text
        }.joined()
    }

    /// Runs `body`, turning the store's refusals into messages for the shell.
    static func explained<Result>(_ id: String, _ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch StoreError.notFound {
            throw ArgumentParser.ValidationError("no job \(id)")
        } catch JobError.notFailed(_, let state) {
            throw ArgumentParser.ValidationError("\(id) is \(state.rawValue); only a failed job can be retried or discarded")
        }
    }
}

/// Opens the configured store, runs `body`, closes it.
private func withStore<Result: Sendable>(
    _ options: ConfigOptions, _ body: @escaping @Sendable (any TandemStore) async throws -> Result
) async throws -> Result {
    let configuration = try await options.load()
    let logger = LogSetup.bootstrap(configuration)
    return try await StoreFactory.with(configuration.store, logger: logger, body)
}
