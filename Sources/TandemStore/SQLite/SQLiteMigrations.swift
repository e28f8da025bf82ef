//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

import GRDB

/// The schema, as an ordered list of named migrations.
///
/// Never edit a migration once released: add a new one. Tables are `STRICT`
/// (SQLite refuses values of the wrong type) and times are integer
/// milliseconds since 1970 (``Timestamp``).
enum SQLiteMigrations {
    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-identity", migrate: v1Identity)
        return migrator
    }()

    /// Users, teams, team membership and sign-in sessions.
    static func v1Identity(_ db: Database) throws {
        try db.execute(sql: """
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
}
