// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import GRDB
import TandemCore
import TandemStore

/// The ``MailSettingsStore`` requirements of ``TandemStore`` (tables `mail_preferences`,
/// `mail_templates`, migration `v6-mail`).
extension SQLiteStore {
    public func mailPreference(of user: UserID) async throws -> MailPreference {
        let raw = try await read("mailPreference") { db in
            try String.fetchOne(db, sql: "SELECT preference FROM mail_preferences WHERE user_id = ?", arguments: [user.rawValue])
        }
        guard let raw else { return .immediately }
        guard let preference = MailPreference(rawValue: raw) else {
            throw StoreError.corrupt("mail_preferences of \(user) holds \(raw)")
        }
        return preference
    }

    public func setMailPreference(_ preference: MailPreference, of user: UserID) async throws {
        try await write("setMailPreference") { db in
            try db.execute(
                sql: """
                    INSERT INTO mail_preferences (user_id, preference) VALUES (?, ?)
                    ON CONFLICT (user_id) DO UPDATE SET preference = excluded.preference
                    """, arguments: [user.rawValue, preference.rawValue])
        }
    }

    public func mailTemplate(kind: String) async throws -> MailTemplate? {
        let json = try await read("mailTemplate") { db in
            try String.fetchOne(db, sql: "SELECT template FROM mail_templates WHERE kind = ?", arguments: [kind])
        }
        return try json.map { try SQLiteJSON.decode($0, where: "mail_templates.template of \(kind)") }
    }

    public func setMailTemplate(_ template: MailTemplate?, kind: String) async throws {
        let json = try template.map { try SQLiteJSON.encode($0, what: "mail template \(kind)") }
        try await write("setMailTemplate") { db in
            if let json {
                try db.execute(
                    sql: """
                        INSERT INTO mail_templates (kind, template) VALUES (?, ?)
                        ON CONFLICT (kind) DO UPDATE SET template = excluded.template
                        """, arguments: [kind, json])
            } else {
                try db.execute(sql: "DELETE FROM mail_templates WHERE kind = ?", arguments: [kind])
            }
        }
    }
}
