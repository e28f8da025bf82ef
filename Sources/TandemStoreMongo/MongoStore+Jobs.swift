// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemJobs
import TandemMongo
import TandemStore

/// The ``JobStore`` requirements of ``TandemStore``, with standard commands only.
///
/// A claim is one `findAndModify` per job (atomic on the one document: two claims never take
/// the same job). Lease-fenced changes are `updateOne`s whose filter is the fence. MongoDB
/// gives no transaction here, so a completion writes its effects first, each keyed by its
/// record's unique `key` (a second write is a duplicate and skipped), then the completion:
/// a crash between the two leaves the effect once and the job to run again, whose second
/// write of the effect changes nothing (docs/JOBS.md).
extension MongoStore {
    var jobs: MongoCollection { client.collection(MongoSchema.jobs, database: database) }
    var jobSchedules: MongoCollection { client.collection(MongoSchema.jobSchedules, database: database) }

    public func enqueueJob(_ job: JobRecord) async throws -> JobEnqueueResult {
        var job = job
        job.state = .waiting
        job.lease = nil
        return try await perform("enqueueJob") {
            do {
                try await jobs.insertOne(MongoJobRecords.document(job))
                return .inserted(job)
            } catch let error as MongoError where error.kind == .duplicateKey {
                let existing = try await jobs.findOne(["unique": .string(MongoJobRecords.unique(job))])
                guard let existing else { throw StoreError.duplicate(kind: "job", field: "id") }
                return .existing(try MongoJobRecords.job(existing))
            }
        }
    }

    public func claimJobs(
        queue: String, owner: String, now: Timestamp, leaseExpiresAt: Timestamp, limit: Int
    ) async throws -> [JobRecord] {
        try await perform("claimJobs") {
            var claimed: [JobRecord] = []
            while claimed.count < limit {
                let reply = try await client.runCommand(
                    [
                        "findAndModify": .string(MongoSchema.jobs),
                        "query": [
                            "queue": .string(queue), "state": "waiting", "runAt": ["$lte": .int64(now.millisecondsSince1970)],
                        ],
                        "sort": ["priority": -1, "runAt": 1, "key": 1],
                        "update": [
                            "$set": [
                                "state": "active", "progress": 0, "startedAt": .int64(now.millisecondsSince1970),
                                "leaseOwner": .string(owner), "leaseExpiresAt": .int64(leaseExpiresAt.millisecondsSince1970),
                            ],
                            "$inc": ["attempts": 1],
                        ],
                        "new": true,
                        "writeConcern": .document(writeConcern),
                    ], database: database)
                guard let document = reply["value"]?.documentValue else { break }
                claimed.append(try MongoJobRecords.job(document))
            }
            return claimed
        }
    }

    public func renewJobLease(_ lease: JobLease, expiresAt: Timestamp) async throws {
        try await updateHeld("renewJobLease", lease, ["leaseExpiresAt": .int64(expiresAt.millisecondsSince1970)])
    }

    public func setJobProgress(_ lease: JobLease, progress: Int) async throws {
        try await updateHeld("setJobProgress", lease, ["progress": .int64(Int64(min(100, max(0, progress))))])
    }

    public func completeJob(_ lease: JobLease, at: Timestamp, effects: [JobEffect]) async throws {
        try await perform("completeJob") {
            // A worker that already lost its lease writes no effect (the one holding it will).
            guard try await jobs.findOne(MongoJobRecords.fence(lease), projection: ["_id": 1]) != nil else {
                throw JobError.leaseLost(lease.job)
            }
            for effect in effects { try await apply(effect) }
        }
        try await updateHeld(
            "completeJob", lease,
            [
                "state": "completed", "progress": 100, "finishedAt": .int64(at.millisecondsSince1970),
                "leaseOwner": .null, "leaseExpiresAt": .null,
            ])
    }

    public func failJob(_ lease: JobLease, at: Timestamp, error: String, retryAt: Timestamp?) async throws {
        var set: BSONDocument = ["lastError": .string(error), "leaseOwner": .null, "leaseExpiresAt": .null]
        if let retryAt {
            set["state"] = "waiting"
            set["runAt"] = .int64(retryAt.millisecondsSince1970)
        } else {
            set["state"] = "failed"
            set["finishedAt"] = .int64(at.millisecondsSince1970)
        }
        try await updateHeld("failJob", lease, set)
    }

    public func recoverStalledJobs(now: Timestamp) async throws -> [JobRecord] {
        try await perform("recoverStalledJobs") {
            let stalled = try await jobs.find(
                ["state": "active", "leaseExpiresAt": ["$lt": .int64(now.millisecondsSince1970)]],
                options: MongoFindOptions(sort: ["key": 1]))
            var recovered: [JobRecord] = []
            for document in stalled {
                var job = try MongoJobRecords.job(document)
                guard let lease = job.lease else { continue }
                job.lease = nil
                job.lastError = JobStoreText.stalled
                var set: BSONDocument = [
                    "lastError": .string(JobStoreText.stalled), "leaseOwner": .null, "leaseExpiresAt": .null,
                ]
                if job.attempts < job.maxAttempts {
                    job.state = .waiting
                    job.runAt = now
                    set["state"] = "waiting"
                    set["runAt"] = .int64(now.millisecondsSince1970)
                } else {
                    job.state = .failed
                    job.finishedAt = now
                    set["state"] = "failed"
                    set["finishedAt"] = .int64(now.millisecondsSince1970)
                }
                var filter = MongoJobRecords.fence(lease)
                filter["leaseExpiresAt"] = ["$lt": .int64(now.millisecondsSince1970)]
                // Another node may recover it, or its worker renew it, first: then it is not ours to move.
                if try await jobs.updateOne(filter, ["$set": .document(set)]).matched == 1 { recovered.append(job) }
            }
            return recovered
        }
    }

    public func job(id: JobID) async throws -> JobRecord? {
        try await perform("job") {
            try await jobs.findOne(["key": .string(id.rawValue)]).map(MongoJobRecords.job)
        }
    }

    public func jobCounts(now: Timestamp) async throws -> [String: JobCounts] {
        try await perform("jobCounts") {
            var counts: [String: JobCounts] = [:]
            let documents = try await jobs.find(
                [:], options: MongoFindOptions(projection: ["_id": 0, "queue": 1, "state": 1, "runAt": 1]))
            for document in documents {
                let fields = MongoFields(document, collection: MongoSchema.jobs)
                let queue = try fields.string("queue")
                let state: JobState = try fields.enumeration("state")
                let runAt = try fields.int64("runAt")
                let delayed = state == .waiting && runAt > now.millisecondsSince1970
                let visible: JobVisibleState = delayed ? .delayed : JobVisibleState(rawValue: state.rawValue)!
                counts[queue, default: JobCounts()].count(visible)
            }
            return counts
        }
    }

    public func nextJobDue(queue: String) async throws -> Timestamp? {
        try await perform("nextJobDue") {
            let first = try await jobs.find(
                ["queue": .string(queue), "state": "waiting"],
                options: MongoFindOptions(sort: ["runAt": 1], projection: ["_id": 0, "runAt": 1], limit: 1))
            return try first.first.map { try MongoFields($0, collection: MongoSchema.jobs).timestamp("runAt") }
        }
    }

    public func failedJobs(queue: String?, page: PageRequest) async throws -> Page<JobRecord> {
        let limit = Pagination.clamp(page.limit)
        let before = try Pagination.start(page, listing: JobStoreText.failedListing)
        return try await perform("failedJobs") {
            var filter: BSONDocument = ["state": "failed"]
            if let queue { filter["queue"] = .string(queue) }
            if let before { filter["key"] = ["$lt": .string(before)] }
            let found = try await jobs.find(filter, options: MongoFindOptions(sort: ["key": -1], limit: limit + 1))
            return Pagination.page(try found.map(MongoJobRecords.job), limit: limit, listing: JobStoreText.failedListing) {
                $0.id.rawValue
            }
        }
    }

    public func retryFailedJob(id: JobID, at: Timestamp) async throws -> JobRecord {
        try await perform("retryFailedJob") {
            var job = try await failedJob(id)
            let result = try await jobs.updateOne(
                ["key": .string(id.rawValue), "state": "failed"],
                [
                    "$set": [
                        "state": "waiting", "runAt": .int64(at.millisecondsSince1970), "attempts": 0, "progress": 0,
                        "finishedAt": .null,
                    ]
                ])
            guard result.matched == 1 else { throw StoreError.notFound(kind: "job", id: id.rawValue) }
            job.state = .waiting
            job.runAt = at
            job.attempts = 0
            job.progress = 0
            job.finishedAt = nil
            return job
        }
    }

    public func discardFailedJob(id: JobID) async throws {
        try await perform("discardFailedJob") {
            _ = try await failedJob(id)
            _ = try await jobs.deleteMany(["key": .string(id.rawValue), "state": "failed"])
        }
    }

    public func purgeCompletedJobs(finishedBefore: Timestamp, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await perform("purgeCompletedJobs") {
            let old = try await jobs.find(
                ["state": "completed", "finishedAt": ["$lt": .int64(finishedBefore.millisecondsSince1970)]],
                options: MongoFindOptions(sort: ["key": 1], projection: ["_id": 0, "key": 1], limit: limit))
            let keys = old.compactMap { $0["key"]?.stringValue }
            guard !keys.isEmpty else { return 0 }
            return try await jobs.deleteMany(["key": ["$in": .strings(keys)], "state": "completed"])
        }
    }

    public func upsertRepeatableJob(_ schedule: RepeatableJob) async throws {
        try await perform("upsertRepeatableJob") {
            if let stored = try await jobSchedules.findOne(["key": .string(schedule.id)]),
                try MongoJobRecords.schedule(stored).sameSchedule(as: schedule)
            {
                return
            }
            try await jobSchedules.replaceOrInsert(key: schedule.id, MongoJobRecords.document(schedule))
        }
    }

    public func repeatableJobs() async throws -> [RepeatableJob] {
        try await perform("repeatableJobs") {
            try await jobSchedules.find([:], options: MongoFindOptions(sort: ["key": 1])).map(MongoJobRecords.schedule)
        }
    }

    public func advanceRepeatableJob(id: String, from: Timestamp?, to: Timestamp) async throws -> Bool {
        try await perform("advanceRepeatableJob") {
            try await jobSchedules.updateOne(
                ["key": .string(id), "lastTick": .int64(from?.millisecondsSince1970)],
                ["$set": ["lastTick": .int64(to.millisecondsSince1970)]]
            ).matched == 1
        }
    }

    // MARK: - Helpers

    /// Applies `set` to the job `lease` holds, or throws ``JobError/leaseLost(_:)`` having changed nothing.
    private func updateHeld(_ operation: StaticString, _ lease: JobLease, _ set: BSONDocument) async throws {
        try await perform(operation) {
            guard try await jobs.updateOne(MongoJobRecords.fence(lease), ["$set": .document(set)]).matched == 1 else {
                throw JobError.leaseLost(lease.job)
            }
        }
    }

    /// Writes one effect; a record whose key exists is skipped (the effect happened already).
    private func apply(_ effect: JobEffect) async throws {
        switch effect {
        case .notifications(let batch):
            try await requireRecipients(of: batch)
            for notification in batch {
                try await insertUnlessPresent(MongoRecords.document(notification))
            }
        }
    }

    /// Inserts a notification; one whose key exists was written by an earlier run of the job.
    private func insertUnlessPresent(_ document: BSONDocument) async throws {
        do {
            try await notifications.insertOne(document)
        } catch  where error.kind == .duplicateKey {
            return
        }
    }

    private func failedJob(_ id: JobID) async throws -> JobRecord {
        guard let document = try await jobs.findOne(["key": .string(id.rawValue)]) else {
            throw StoreError.notFound(kind: "job", id: id.rawValue)
        }
        let job = try MongoJobRecords.job(document)
        guard job.state == .failed else { throw JobError.notFailed(id, job.state) }
        return job
    }
}

extension MongoCollection {
    /// Replaces the document whose `key` is `key`, or inserts `document` if there is none.
    func replaceOrInsert(key: String, _ document: BSONDocument) async throws {
        if try await replaceOne(["key": .string(key)], document).matched == 0 {
            do {
                try await insertOne(document)
            } catch  where error.kind == .duplicateKey {
                try await replaceOne(["key": .string(key)], document)  // inserted meanwhile by another node
            }
        }
    }
}

/// Jobs and schedules as documents and back.
enum MongoJobRecords {
    /// The value of the unique `unique` field: the job's unique key, or its id when it has none
    /// (a unique index counts a missing field as one value, so every job carries one).
    static func unique(_ job: JobRecord) -> String {
        job.uniqueKey.map { "key:" + $0 } ?? "id:" + job.id.rawValue
    }

    static func document(_ job: JobRecord) -> BSONDocument {
        [
            "key": .string(job.id.rawValue),
            "queue": .string(job.queue),
            "name": .string(job.name),
            "payload": .string(job.payload.json),
            "priority": .int64(Int64(job.priority)),
            "uniqueKey": .string(job.uniqueKey),
            "unique": .string(unique(job)),
            "state": .string(job.state.rawValue),
            "runAt": .int64(job.runAt.millisecondsSince1970),
            "attempts": .int64(Int64(job.attempts)),
            "maxAttempts": .int64(Int64(job.maxAttempts)),
            "backoffInitial": .int64(job.backoff.initialMilliseconds),
            "backoffMaximum": .int64(job.backoff.maximumMilliseconds),
            "progress": .int64(Int64(job.progress)),
            "leaseOwner": .string(job.lease?.owner),
            "leaseExpiresAt": .int64(job.lease?.expiresAt.millisecondsSince1970),
            "lastError": .string(job.lastError),
            "createdAt": .int64(job.createdAt.millisecondsSince1970),
            "startedAt": .int64(job.startedAt?.millisecondsSince1970),
            "finishedAt": .int64(job.finishedAt?.millisecondsSince1970),
        ]
    }

    static func job(_ document: BSONDocument) throws -> JobRecord {
        let fields = MongoFields(document, collection: MongoSchema.jobs)
        let id = JobID(try fields.string("key"))
        var job = JobRecord(
            id: id, queue: try fields.string("queue"), name: try fields.string("name"),
            payload: JobPayload(trusted: try fields.string("payload")), priority: Int(try fields.int64("priority")),
            uniqueKey: try fields.optionalString("uniqueKey"), runAt: try fields.timestamp("runAt"),
            maxAttempts: Int(try fields.int64("maxAttempts")),
            backoff: JobBackoff(
                initialMilliseconds: try fields.int64("backoffInitial"),
                maximumMilliseconds: try fields.int64("backoffMaximum")),
            createdAt: try fields.timestamp("createdAt"))
        job.state = try fields.enumeration("state")
        job.attempts = Int(try fields.int64("attempts"))
        job.progress = Int(try fields.int64("progress"))
        job.lastError = try fields.optionalString("lastError")
        job.startedAt = try fields.optionalTimestamp("startedAt")
        job.finishedAt = try fields.optionalTimestamp("finishedAt")
        if let owner = try fields.optionalString("leaseOwner"), let expires = try fields.optionalTimestamp("leaseExpiresAt") {
            job.lease = JobLease(job: id, owner: owner, attempt: job.attempts, expiresAt: expires)
        }
        return job
    }

    /// The filter that matches the job only while `lease` holds it.
    static func fence(_ lease: JobLease) -> BSONDocument {
        [
            "key": .string(lease.job.rawValue), "state": "active", "leaseOwner": .string(lease.owner),
            "attempts": .int64(Int64(lease.attempt)),
        ]
    }

    static func document(_ schedule: RepeatableJob) throws -> BSONDocument {
        var stored = schedule
        stored.lastTick = nil
        return [
            "key": .string(schedule.id),
            "schedule": try MongoCoding.encode(stored, what: "repeatable job \(schedule.id)"),
            "lastTick": .int64(schedule.lastTick?.millisecondsSince1970),
        ]
    }

    static func schedule(_ document: BSONDocument) throws -> RepeatableJob {
        let fields = MongoFields(document, collection: MongoSchema.jobSchedules)
        var schedule = try fields.decode(RepeatableJob.self, "schedule")
        schedule.lastTick = try fields.optionalTimestamp("lastTick")
        return schedule
    }
}
