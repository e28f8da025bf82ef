// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemStore

/// The schema, as an ordered list of named migrations.
///
/// Never edit a migration once released: add a new one. Tables are `STRICT`
/// (SQLite refuses values of the wrong type) and times are integer
/// milliseconds since 1970 (``Timestamp``).
enum SQLiteMigrations {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-identity", migrate: v1Identity)
        migrator.registerMigration("v2-tickets", migrate: v2Tickets)
        migrator.registerMigration("v3-retention", migrate: v3Retention)
        migrator.registerMigration("v4-pending-replies", migrate: v4PendingReplies)
        migrator.registerMigration("v5-jobs", migrate: v5Jobs)
        migrator.registerMigration("v6-mail", migrate: v6Mail)
        migrator.registerMigration("v7-attachments", migrate: v7Attachments)
        migrator.registerMigration("v8-desk", migrate: v8Desk)
        return migrator
    }()

    /// Users, teams, team membership and sign-in sessions.
    static func v1Identity(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE users (
                    id            TEXT    NOT NULL PRIMARY KEY,
                    email         TEXT    NOT NULL COLLATE NOCASE UNIQUE,
                    name          TEXT    NOT NULL,
                    role          TEXT    NOT NULL CHECK (role IN ('customer', 'agent', 'supervisor', 'admin')),
                    password_hash TEXT    NOT NULL,
                    disabled      INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1)),
                    created_at    INTEGER NOT NULL,
                    updated_at    INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;

                -- listUsers(role:) and listUsers(disabled:), both in id order.
                CREATE INDEX users_by_role ON users (role, id);
                CREATE INDEX users_by_disabled ON users (disabled, id);

                CREATE TABLE teams (
                    id         TEXT    NOT NULL PRIMARY KEY,
                    name       TEXT    NOT NULL COLLATE NOCASE UNIQUE,
                    created_at INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;

                CREATE TABLE team_members (
                    team_id  TEXT    NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
                    user_id  TEXT    NOT NULL REFERENCES users (id),
                    role     TEXT    NOT NULL CHECK (role IN ('agent', 'supervisor')),
                    -- The member's index in Team.members, which keeps its order.
                    position INTEGER NOT NULL,
                    PRIMARY KEY (team_id, user_id)
                ) STRICT, WITHOUT ROWID;

                -- memberships(of:) and listUsers(teamID:) probe by user.
                CREATE INDEX team_members_by_user ON team_members (user_id, team_id);

                CREATE TABLE sessions (
                    id                 TEXT    NOT NULL PRIMARY KEY,
                    user_id            TEXT    NOT NULL REFERENCES users (id),
                    refresh_token_hash TEXT    NOT NULL,
                    csrf_token         TEXT    NOT NULL,
                    created_at         INTEGER NOT NULL,
                    expires_at         INTEGER NOT NULL,
                    revoked_at         INTEGER,
                    user_agent         TEXT,
                    ip_address         TEXT
                ) STRICT, WITHOUT ROWID;

                -- revokeSessions(of:except:at:).
                CREATE INDEX sessions_by_user ON sessions (user_id, id);
                """)
    }

    /// Tickets (snapshot + denormalized columns), their op log, the search
    /// index and notifications.
    static func v2Tickets(_ db: Database) throws {
        try db.execute(
            sql: """
                -- The latest snapshot of each ticket. `key` is the row's stable integer
                -- key (an alias of the rowid, so VACUUM keeps it), shared with its row in
                -- ticket_search; `id` is the ticket id. The other columns copy the
                -- snapshot's queue-level facts for listing and filtering.
                CREATE TABLE tickets (
                    key               INTEGER PRIMARY KEY,
                    id                TEXT    NOT NULL UNIQUE,
                    version           INTEGER NOT NULL CHECK (version >= 0),
                    subject           TEXT    NOT NULL,
                    status            TEXT    NOT NULL
                        CHECK (status IN ('new', 'open', 'pending', 'on-hold', 'solved', 'closed')),
                    priority          TEXT    NOT NULL CHECK (priority IN ('low', 'normal', 'high', 'urgent')),
                    requester_id      TEXT    NOT NULL,
                    team_id           TEXT,
                    assignee_id       TEXT,
                    -- A JSON array of the tags, sorted; ticket_tags indexes them.
                    tags              TEXT    NOT NULL,
                    created_at        INTEGER NOT NULL,
                    updated_at        INTEGER NOT NULL,
                    first_response_at INTEGER,
                    solved_at         INTEGER,
                    -- The whole Ticket as JSON (texts as plain strings).
                    snapshot          TEXT    NOT NULL
                ) STRICT;

                -- listTickets filters, each in id order.
                CREATE INDEX tickets_by_status ON tickets (status, id);
                CREATE INDEX tickets_by_priority ON tickets (priority, id);
                CREATE INDEX tickets_by_requester ON tickets (requester_id, id);
                CREATE INDEX tickets_by_team ON tickets (team_id, id);
                CREATE INDEX tickets_by_assignee ON tickets (assignee_id, id);
                CREATE INDEX tickets_by_updated ON tickets (updated_at, id);
                -- openTickets(team:): only the tickets that are not closed, so that a
                -- team's closed history does not slow down queue activation.
                CREATE INDEX tickets_open_by_team ON tickets (team_id, id) WHERE status != 'closed';

                CREATE TABLE ticket_tags (
                    ticket_id TEXT NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
                    tag       TEXT NOT NULL,
                    PRIMARY KEY (ticket_id, tag)
                ) STRICT, WITHOUT ROWID;

                -- listTickets(tag:).
                CREATE INDEX ticket_tags_by_tag ON ticket_tags (tag, ticket_id);

                -- The op log. The primary key is the single-writer fence: a second
                -- commit of the same version fails. A rowid table, because an op may
                -- carry a large insert or comment.
                CREATE TABLE ticket_ops (
                    ticket_id TEXT    NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
                    version   INTEGER NOT NULL CHECK (version > 0),
                    -- The TicketChange in its wire JSON.
                    op        TEXT    NOT NULL,
                    author    TEXT    NOT NULL,
                    at        INTEGER NOT NULL,
                    client    TEXT,
                    seq       INTEGER,
                    PRIMARY KEY (ticket_id, version)
                ) STRICT;

                -- Full-text search, rowid = tickets.key. Public text (what the customer
                -- sees) and internal text are separate columns so that a search can be
                -- restricted to the public ones. The reply draft is not indexed.
                CREATE VIRTUAL TABLE ticket_search USING fts5 (
                    subject, description, public_comments, internal_notes, internal_comments,
                    tokenize = 'unicode61 remove_diacritics 2'
                );

                CREATE TABLE notifications (
                    id         TEXT    NOT NULL PRIMARY KEY,
                    user_id    TEXT    NOT NULL REFERENCES users (id),
                    kind       TEXT    NOT NULL CHECK (kind IN ('mention', 'assigned', 'ticketUpdated')),
                    ticket_id  TEXT    NOT NULL,
                    actor_id   TEXT    NOT NULL,
                    text       TEXT    NOT NULL,
                    created_at INTEGER NOT NULL,
                    read_at    INTEGER
                ) STRICT, WITHOUT ROWID;

                -- notifications(of:unreadOnly: true), unreadCount(of:) and markRead.
                CREATE INDEX notifications_by_user_unread ON notifications (user_id, read_at, id);
                -- notifications(of:unreadOnly: false), newest first.
                CREATE INDEX notifications_by_user ON notifications (user_id, id);
                """)
    }

    /// Indexes for retention runs: closed tickets and read notifications by age.
    static func v3Retention(_ db: Database) throws {
        try db.execute(
            sql: """
                -- purge(closedTicketAge:): only closed tickets, oldest first.
                CREATE INDEX tickets_closed_by_updated ON tickets (updated_at) WHERE status = 'closed';
                -- purge(readNotificationAge:): only read notifications, oldest first.
                CREATE INDEX notifications_read_by_time ON notifications (read_at) WHERE read_at IS NOT NULL;
                """)
    }

    /// When each ticket's earliest pending reply is due, so that replies whose undo window
    /// passed while no node served the ticket (a restart) are found and published.
    static func v4PendingReplies(_ db: Database) throws {
        try db.execute(
            sql: """
                ALTER TABLE tickets ADD COLUMN reply_due_at INTEGER;
                -- ticketsWithDueReplies(at:limit:): only tickets with a reply waiting.
                CREATE INDEX tickets_reply_due ON tickets (reply_due_at) WHERE reply_due_at IS NOT NULL;
                """)
    }

    /// Ticket numbers (#1042): a counter, and the tickets stored before numbers existed
    /// numbered in creation order (their snapshots too), then unique.
    static func v8Desk(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE counters (
                    name  TEXT    NOT NULL PRIMARY KEY,
                    value INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;

                ALTER TABLE tickets ADD COLUMN number INTEGER NOT NULL DEFAULT 0;

                CREATE TEMP TABLE ticket_numbering (key INTEGER PRIMARY KEY, number INTEGER NOT NULL);
                INSERT INTO ticket_numbering (key, number)
                    SELECT key, ROW_NUMBER() OVER (ORDER BY created_at, key) FROM tickets;
                UPDATE tickets SET
                    number = (SELECT n.number FROM ticket_numbering AS n WHERE n.key = tickets.key),
                    snapshot = json_set(
                        snapshot, '$.number', (SELECT n.number FROM ticket_numbering AS n WHERE n.key = tickets.key));
                DROP TABLE temp.ticket_numbering;

                INSERT INTO counters (name, value) SELECT 'ticket_number', COALESCE(MAX(number), 0) FROM tickets;

                -- ticketID(number:), and the uniqueness of numbers.
                CREATE UNIQUE INDEX tickets_by_number ON tickets (number);
                """)
    }

    /// The durable mail outbox (`OutboxStore`). The message is JSON (a `MailMessage`); `due_at`
    /// is the next attempt of a pending entry and the claim's end of a sending one, so one
    /// partial index serves every claim.
    static func v6Mail(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE mail_outbox (
                    id         TEXT    NOT NULL PRIMARY KEY,
                    kind       TEXT    NOT NULL,
                    message    TEXT    NOT NULL,
                    state      TEXT    NOT NULL CHECK (state IN ('pending', 'sending', 'sent', 'failed')),
                    attempts   INTEGER NOT NULL,
                    due_at     INTEGER NOT NULL,
                    created_at INTEGER NOT NULL,
                    sent_at    INTEGER,
                    last_error TEXT
                ) STRICT, WITHOUT ROWID;

                -- claimDueMail: pending entries due, sending ones whose claim lapsed.
                CREATE INDEX mail_outbox_due ON mail_outbox (due_at) WHERE state IN ('pending', 'sending');
                -- outbox(state:page:), newest first.
                CREATE INDEX mail_outbox_by_state ON mail_outbox (state, id);

                -- MailSettingsStore: a user's notification e-mail choice, an admin's templates.
                CREATE TABLE mail_preferences (
                    user_id    TEXT NOT NULL PRIMARY KEY,
                    preference TEXT NOT NULL CHECK (preference IN ('immediately', 'digest', 'off'))
                ) STRICT, WITHOUT ROWID;
                CREATE TABLE mail_templates (
                    kind     TEXT NOT NULL PRIMARY KEY,
                    template TEXT NOT NULL
                ) STRICT, WITHOUT ROWID;
                """)
    }

    /// Attachment records (their bytes live in attachment storage, by SHA-256). They go with
    /// their ticket (retention); the orphan sweep then removes bytes no record names.
    static func v7Attachments(_ db: Database) throws {
        try db.execute(
            sql: """
                CREATE TABLE attachments (
                    id         TEXT    NOT NULL PRIMARY KEY,
                    ticket_id  TEXT    NOT NULL REFERENCES tickets (id) ON DELETE CASCADE,
                    -- NULL while it belongs to the shared reply draft.
                    comment_id TEXT,
                    uploader   TEXT    NOT NULL,
                    name       TEXT    NOT NULL,
                    type       TEXT    NOT NULL,
                    size       INTEGER NOT NULL CHECK (size > 0),
                    sha256     TEXT    NOT NULL CHECK (length(sha256) = 64),
                    thumbnail  TEXT    CHECK (thumbnail IS NULL OR length(thumbnail) = 64),
                    width      INTEGER,
                    height     INTEGER,
                    visibility TEXT    NOT NULL CHECK (visibility IN ('public', 'internal')),
                    created_at INTEGER NOT NULL
                ) STRICT, WITHOUT ROWID;

                -- attachments(ticket:) in id (creation) order, the quota sum, moveDraftAttachments.
                CREATE INDEX attachments_by_ticket ON attachments (ticket_id, id);
                -- attachmentAddresses().
                CREATE INDEX attachments_by_sha256 ON attachments (sha256);
                """)
    }
}
