// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Logging
import Prometheus
import TandemCore
import TandemJobs
import TandemServer
import TandemStore

/// The node's job runner as the configuration describes it: its queues, their handlers and
/// the repeatable schedules (retention, the attachment orphan sweep).
enum JobEngine {
    static func runner(
        store: any TandemStore, configuration: TandemConfiguration, clock: any TandemClock,
        registry: PrometheusCollectorRegistry, attachmentStorage: (any AttachmentStorage)? = nil, logger: Logger
    ) throws -> JobRunner {
        let jobs = configuration.jobs
        var settings = JobRunner.Settings(
            owner: "\(configuration.actors.node)/\(UUID().uuidString.prefix(8).lowercased())")
        settings.leaseMilliseconds = Int64(jobs.leaseSeconds) * 1000
        settings.renewInterval = .milliseconds(Int64(jobs.leaseSeconds) * 1000 / 3)
        settings.pollInterval = .milliseconds(jobs.pollMilliseconds)
        settings.housekeepingInterval = .milliseconds(max(jobs.pollMilliseconds, 1_000))
        let rate = jobs.ratePerSecond > 0 ? Double(jobs.ratePerSecond) : nil
        var schedules: [RepeatableJob] = []
        if configuration.retention.enabled {
            schedules.append(try RetentionJob.schedule(configuration.retention, now: clock.now()))
        }
        // The attachment bytes the server stores: its storage, or the directory it writes to.
        let attachments = try attachmentStorage ?? LocalAttachmentStorage(root: configuration.attachments.directory)
        schedules.append(try OrphanSweepJob.schedule(now: clock.now()))
        let maintenance = JobQueue(
            name: RetentionJob.queue,
            handlers: [
                RetentionJob.name: RetentionJob(store: store, settings: configuration.retention, logger: logger),
                OrphanSweepJob.name: OrphanSweepJob(
                    sweep: OrphanSweep(store: store, storage: attachments), logger: logger),
            ], concurrency: jobs.concurrency, ratePerSecond: rate)
        var queues = [maintenance]
        if jobs.testQueue {
            queues.append(
                JobQueue(
                    name: TestNotifyJob.queue, handlers: [TestNotifyJob.name: TestNotifyJob()],
                    concurrency: jobs.concurrency, ratePerSecond: rate))
        }
        return JobRunner(
            store: store, clock: clock, queues: queues, schedules: schedules, settings: settings,
            metrics: PrometheusMetricsFactory(registry: registry), logger: logger)
    }
}
