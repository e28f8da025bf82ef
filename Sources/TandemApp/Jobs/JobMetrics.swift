// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Metrics
import TandemJobs

/// The job engine's numbers on `/metrics`, per queue (docs/JOBS.md lists them).
struct JobMetrics: Sendable {
    let factory: any MetricsFactory

    /// Sets `tandem_jobs{queue, state}` from the store's counts (completed is left out: it only grows).
    func record(_ counts: [String: JobCounts]) {
        for (queue, count) in counts {
            for (state, value) in [
                ("waiting", count.waiting), ("delayed", count.delayed), ("active", count.active), ("failed", count.failed),
            ] {
                Gauge(label: "tandem_jobs", dimensions: [("queue", queue), ("state", state)], factory: factory)
                    .record(value)
            }
        }
    }

    /// How long a job waited between being due and starting.
    func waited(queue: String, milliseconds: Int64) {
        Timer(label: "tandem_job_wait_seconds", dimensions: [("queue", queue)], factory: factory)
            .recordMilliseconds(max(0, milliseconds))
    }

    /// How long a run took, by outcome (`completed`, `failed`, `lost`).
    func ran(queue: String, outcome: String, nanoseconds: Int64) {
        Timer(label: "tandem_job_run_seconds", dimensions: [("queue", queue), ("outcome", outcome)], factory: factory)
            .recordNanoseconds(nanoseconds)
    }

    /// Jobs taken back from a worker whose lease expired.
    func stalled(queue: String, count: Int) {
        Counter(label: "tandem_jobs_stalled_total", dimensions: [("queue", queue)], factory: factory).increment(by: count)
    }
}
