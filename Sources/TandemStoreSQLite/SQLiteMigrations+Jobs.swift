// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB

extension SQLiteMigrations {
    /// The job engine: jobs (every state, the lease on the row) and repeatable schedules.
    static func v5Jobs(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE jobs (
                    id               TEXT    NOT NULL PRIMARY KEY,
                    queue            TEXT    NOT NULL,
                    name             TEXT    NOT NULL,
                    payload          TEXT    NOT NULL,
                    priority         INTEGER NOT NULL,
                    unique_key       TEXT    UNIQUE,
                    state            TEXT    NOT NULL CHECK (state IN ('waiting', 'active', 'completed', 'failed')),
                    run_at           INTEGER NOT NULL,
                    attempts         INTEGER NOT NULL,
                    max_attempts     INTEGER NOT NULL,
                    backoff_initial  INTEGER NOT NULL,
                    backoff_maximum  INTEGER NOT NULL,
                    progress         INTEGER NOT NULL,
                    lease_owner      TEXT,
                    lease_expires_at INTEGER,
                    last_error       TEXT,
                    created_at       INTEGER NOT NULL,
                    started_at       INTEGER,
                    finished_at      INTEGER,
                    CHECK ((state = 'active') = (lease_owner IS NOT NULL AND lease_expires_at IS NOT NULL))
                ) STRICT, WITHOUT ROWID;

                -- claimJobs: the due waiting jobs of a queue in claim order; nextJobDue.
                CREATE INDEX jobs_claim ON jobs (queue, priority DESC, run_at, id) WHERE state = 'waiting';
                -- recoverStalledJobs: active jobs by lease expiry.
                CREATE INDEX jobs_leases ON jobs (lease_expires_at) WHERE state = 'active';
                -- failedJobs, newest first; jobCounts.
                CREATE INDEX jobs_by_state ON jobs (state, queue, id);

                CREATE TABLE job_schedules (
                    id         TEXT    NOT NULL PRIMARY KEY,
                    schedule   TEXT    NOT NULL,
                    last_tick  INTEGER
                ) STRICT, WITHOUT ROWID;
                """)
    }
}
