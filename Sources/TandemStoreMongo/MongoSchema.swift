// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemMongo

/// Collection names and the indexes ``MongoStore/migrate()`` creates, each
/// named after the query it serves (docs/STORAGE.md lists them).
///
/// Documents carry Tandem's id (`usr_…`, `tkt_…`) in `key`, unique; `_id` is
/// left to the driver (an ObjectId). Listings sort by `key`, so the indexes that
/// serve them end with it.
enum MongoSchema {
    /// Bumped when a change needs more than new indexes.
    /// 2: ticket numbers (every ticket has `number`; `counters` exists).
    static let version: Int64 = 2

    static let users = "users"
    static let teams = "teams"
    static let sessions = "sessions"
    static let tickets = "tickets"
    static let ticketOps = "ticketOps"
    static let notifications = "notifications"
    /// The mail outbox (`OutboxStore`).
    static let mailOutbox = "mailOutbox"
    /// `MailSettingsStore`: `{key: user id, preference}` and `{key: kind, template}`.
    static let mailPreferences = "mailPreferences"
    static let mailTemplates = "mailTemplates"
    // Attachments (issue 15): records here; bytes in GridFS (`attachments.files` / `.chunks`,
    // indexed by GridFSAttachmentStorage.createIndexes()).
    static let attachments = "attachments"
    /// `{_id: "schema", version}`.
    static let meta = "meta"
    /// The job engine (MongoStore+Jobs.swift).
    static let jobs = "jobs"
    static let jobSchedules = "jobSchedules"

    static let indexes: [(String, [MongoIndex])] = [
        (
            users,
            [
                MongoIndex("users_key", keys: ["key": 1], unique: true),
                // user(email:), and the uniqueness of e-mail addresses (ASCII case-insensitive).
                MongoIndex("users_email", keys: ["emailKey": 1], unique: true),
                // listUsers(role:), listUsers(disabled:), in id order.
                MongoIndex("users_role", keys: ["role": 1, "key": 1]),
                MongoIndex("users_disabled", keys: ["disabled": 1, "key": 1]),
            ]
        ),
        (
            teams,
            [
                MongoIndex("teams_key", keys: ["key": 1], unique: true),
                MongoIndex("teams_name", keys: ["nameKey": 1], unique: true),
                // memberships(of:).
                MongoIndex("teams_member", keys: ["memberKeys": 1, "key": 1]),
            ]
        ),
        (
            sessions,
            [
                MongoIndex("sessions_key", keys: ["key": 1], unique: true),
                // revokeSessions(of:except:at:).
                MongoIndex("sessions_user", keys: ["user": 1, "revoked": 1, "key": 1]),
            ]
        ),
        (
            tickets,
            [
                MongoIndex("tickets_key", keys: ["key": 1], unique: true),
                // listTickets filters, each in id order.
                MongoIndex("tickets_status", keys: ["status": 1, "key": 1]),
                MongoIndex("tickets_priority", keys: ["priority": 1, "key": 1]),
                MongoIndex("tickets_requester", keys: ["requester": 1, "key": 1]),
                MongoIndex("tickets_team", keys: ["team": 1, "key": 1]),
                MongoIndex("tickets_assignee", keys: ["assignee": 1, "key": 1]),
                MongoIndex("tickets_tag", keys: ["tags": 1, "key": 1]),
                // Dashboards: recently updated tickets.
                MongoIndex("tickets_updated", keys: ["updatedAt": 1, "key": 1]),
                // openTickets(team:): queue activation and the live queue numbers.
                MongoIndex("tickets_queue", keys: ["open": 1, "team": 1, "key": 1]),
                // Retention: closed tickets by age.
                MongoIndex("tickets_closed_age", keys: ["status": 1, "updatedAt": 1]),
                // ticketsWithDueReplies: pending replies to publish after a restart or a node's death.
                MongoIndex("tickets_reply_due", keys: ["replyDueAt": 1]),
                // Search: one multikey index per token array.
                MongoIndex("tickets_public_terms", keys: ["publicTerms": 1]),
                MongoIndex("tickets_internal_terms", keys: ["internalTerms": 1]),
            ]
        ),
        (
            ticketOps,
            [
                // The single-writer fence, and loadTicket / ops(after:through:) ranges.
                MongoIndex("ticket_ops_fence", keys: ["ticket": 1, "version": 1], unique: true)
            ]
        ),
        (
            notifications,
            [
                MongoIndex("notifications_key", keys: ["key": 1], unique: true),
                // notifications(of:unreadOnly: false), newest first.
                MongoIndex("notifications_user", keys: ["user": 1, "key": -1]),
                // notifications(of:unreadOnly: true), unreadCount(of:), markRead.
                MongoIndex("notifications_unread", keys: ["user": 1, "read": 1, "key": -1]),
                // Retention: read notifications by age.
                MongoIndex("notifications_read_age", keys: ["read": 1, "readAt": 1]),
            ]
        ),
        // The job engine.
        (
            jobs,
            [
                MongoIndex("jobs_key", keys: ["key": 1], unique: true),
                // At most one job per unique key (a repeat tick); the id for a job without one.
                MongoIndex("jobs_unique", keys: ["unique": 1], unique: true),
                // claimJobs: the due waiting jobs of a queue in claim order; nextJobDue.
                MongoIndex("jobs_claim", keys: ["queue": 1, "state": 1, "priority": -1, "runAt": 1, "key": 1]),
                // recoverStalledJobs.
                MongoIndex("jobs_leases", keys: ["state": 1, "leaseExpiresAt": 1]),
                // failedJobs, newest first.
                MongoIndex("jobs_state", keys: ["state": 1, "key": -1]),
            ]
        ),
        (jobSchedules, [MongoIndex("job_schedules_key", keys: ["key": 1], unique: true)]),
        (
            mailOutbox,
            [
                MongoIndex("mail_outbox_key", keys: ["key": 1], unique: true),
                // claimDueMail: pending entries due and sending ones whose claim lapsed, by due time.
                MongoIndex("mail_outbox_due", keys: ["open": 1, "dueAt": 1]),
                // outbox(state:page:), newest first.
                MongoIndex("mail_outbox_state", keys: ["state": 1, "key": -1]),
            ]
        ),
        (mailPreferences, [MongoIndex("mail_preferences_key", keys: ["key": 1], unique: true)]),
        (mailTemplates, [MongoIndex("mail_templates_key", keys: ["key": 1], unique: true)]),
        // Attachments (issue 15).
        (
            attachments,
            [
                MongoIndex("attachments_key", keys: ["key": 1], unique: true),
                // attachments(ticket:) in id order, the quota sum, moveDraftAttachments.
                MongoIndex("attachments_ticket", keys: ["ticket": 1, "key": 1]),
                // attachmentAddresses() and the orphan sweep.
                MongoIndex("attachments_sha256", keys: ["sha256": 1]),
            ]
        ),
        ("attachments.files", GridFSAttachmentStorage.filesIndexes),
        ("attachments.chunks", GridFSAttachmentStorage.chunksIndexes),
    ]

    // MARK: Desk (issue 17)

    /// Counters, one document each: `{_id: "ticketNumber", value}` is the last ticket number
    /// handed out (``MongoStore/createTicket(_:)`` takes the next with `findAndModify` + `$inc`).
    static let counters = "counters"
    static let ticketNumberCounter = "ticketNumber"
    /// ticketID(number:), and the uniqueness of ticket numbers. Created after
    /// ``MongoStore/numberTickets()`` has numbered the tickets stored before numbers existed.
    static let deskIndexes: [(String, [MongoIndex])] = [
        (tickets, [MongoIndex("tickets_number", keys: ["number": 1], unique: true)])
    ]

    static var indexCount: Int { (indexes + deskIndexes).reduce(0) { $0 + $1.1.count } }

    /// The largest document MongoDB stores (16 MiB), less room for `_id`.
    static let maximumDocumentBytes = 16 * 1024 * 1024 - 64
}
