// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// The ``OutboxStore`` requirements of ``TandemStore`` (collection `mailOutbox`).
///
/// A claim is a compare-and-set on the entry as read (`state`, `attempts`, `dueAt`): of several
/// nodes claiming the same entry at once, one update matches and the others match nothing.
extension MongoStore {
    var mailOutbox: MongoCollection { client.collection(MongoSchema.mailOutbox, database: database) }

    public func enqueueMail(_ entry: OutboxEntry) async throws {
        try await perform("enqueueMail") {
            do {
                try await mailOutbox.insertOne(try Self.document(entry))
            } catch let error as MongoError where error.kind == .duplicateKey {
                throw StoreError.duplicate(kind: "mail", field: "id")
            }
        }
    }

    public func mail(id: OutboxID) async throws -> OutboxEntry? {
        try await perform("mail") {
            try await mailOutbox.findOne(["key": .string(id.rawValue)], projection: MongoRecords.withoutObjectID)
                .map(Self.outboxEntry)
        }
    }

    public func claimDueMail(now: Timestamp, leaseUntil: Timestamp, limit: Int) async throws -> [OutboxEntry] {
        guard limit > 0 else { return [] }
        return try await perform("claimDueMail") {
            var claimed: [OutboxEntry] = []
            // Another node may win some of what this one read: read again until the batch is full or
            // nothing is due. Every round someone wins each entry read, so the due set shrinks.
            while claimed.count < limit {
                let due = try await mailOutbox.find(
                    ["open": true, "dueAt": ["$lte": .int64(now.millisecondsSince1970)]],
                    options: MongoFindOptions(
                        sort: ["dueAt": 1, "key": 1], projection: MongoRecords.withoutObjectID, limit: limit - claimed.count))
                if due.isEmpty { break }
                try await claim(due, leaseUntil: leaseUntil, into: &claimed)
            }
            return claimed
        }
    }

    /// Claims each of `due` that is still as read; appends the ones won.
    private func claim(_ due: [BSONDocument], leaseUntil: Timestamp, into claimed: inout [OutboxEntry]) async throws {
        for document in due {
            let entry = try Self.outboxEntry(document)
            let result = try await mailOutbox.updateOne(
                [
                    "key": .string(entry.id.rawValue), "state": .string(entry.state.rawValue),
                    "attempts": .int64(Int64(entry.attempts)), "dueAt": .int64(entry.dueAt.millisecondsSince1970),
                ],
                [
                    "$set": [
                        "state": .string(OutboxState.sending.rawValue), "attempts": .int64(Int64(entry.attempts + 1)),
                        "dueAt": .int64(leaseUntil.millisecondsSince1970),
                    ]
                ])
            guard result.matched == 1 else { continue }  // another node claimed it first
            var mine = entry
            mine.state = .sending
            mine.attempts += 1
            mine.dueAt = leaseUntil
            claimed.append(mine)
        }
    }

    public func recordMailOutcome(_ id: OutboxID, attempt: Int, outcome: OutboxOutcome, at: Timestamp) async throws -> Bool {
        try await perform("recordMailOutcome") {
            let fence: BSONDocument = [
                "key": .string(id.rawValue), "state": .string(OutboxState.sending.rawValue), "attempts": .int64(Int64(attempt)),
            ]
            guard let document = try await mailOutbox.findOne(fence, projection: MongoRecords.withoutObjectID) else {
                return false
            }
            let next = try Self.outboxEntry(document).recording(outcome, at: at)
            let result = try await mailOutbox.updateOne(
                fence,
                [
                    "$set": [
                        "state": .string(next.state.rawValue), "open": .bool(next.state.isOpen),
                        "dueAt": .int64(next.dueAt.millisecondsSince1970), "sentAt": .int64(next.sentAt?.millisecondsSince1970),
                        "lastError": .string(next.lastError),
                    ]
                ])
            return result.matched == 1
        }
    }

    public func outbox(state: OutboxState?, page: PageRequest) async throws -> Page<OutboxEntry> {
        let limit = Pagination.clamp(page.limit)
        let before = try Pagination.start(page, listing: "outbox")
        return try await perform("outbox") {
            var filter: BSONDocument = [:]
            if let state { filter["state"] = .string(state.rawValue) }
            if let before { filter["key"] = ["$lt": .string(before)] }
            let found = try await mailOutbox.find(
                filter, options: MongoFindOptions(sort: ["key": -1], projection: MongoRecords.withoutObjectID, limit: limit + 1))
            return Pagination.page(try found.map(Self.outboxEntry), limit: limit, listing: "outbox") { $0.id.rawValue }
        }
    }

    static func document(_ entry: OutboxEntry) throws -> BSONDocument {
        [
            "key": .string(entry.id.rawValue),
            "kind": .string(entry.kind),
            "message": .document(try BSONEncoder().encode(entry.message)),
            "state": .string(entry.state.rawValue),
            // Pending or sending: what claims look at.
            "open": .bool(entry.state.isOpen),
            "attempts": .int64(Int64(entry.attempts)),
            "dueAt": .int64(entry.dueAt.millisecondsSince1970),
            "createdAt": .int64(entry.createdAt.millisecondsSince1970),
            "sentAt": .int64(entry.sentAt?.millisecondsSince1970),
            "lastError": .string(entry.lastError),
        ]
    }

    static func outboxEntry(_ document: BSONDocument) throws -> OutboxEntry {
        guard let key = document["key"]?.stringValue, let kind = document["kind"]?.stringValue,
            let message = document["message"]?.documentValue,
            let state = document["state"]?.stringValue.flatMap(OutboxState.init(rawValue:)),
            let attempts = document["attempts"]?.int64Value, let dueAt = document["dueAt"]?.int64Value,
            let createdAt = document["createdAt"]?.int64Value
        else { throw StoreError.corrupt("a mailOutbox document lacks a field: \(document)") }
        var entry = OutboxEntry(
            id: OutboxID(key), kind: kind, message: try BSONDecoder().decode(MailMessage.self, from: message),
            createdAt: Timestamp(millisecondsSince1970: createdAt))
        entry.state = state
        entry.attempts = Int(attempts)
        entry.dueAt = Timestamp(millisecondsSince1970: dueAt)
        entry.sentAt = document["sentAt"]?.int64Value.map(Timestamp.init(millisecondsSince1970:))
        entry.lastError = document["lastError"]?.stringValue
        return entry
    }
}

extension OutboxState {
    /// Whether a claim may pick an entry in this state (when due).
    var isOpen: Bool { self == .pending || self == .sending }
}
