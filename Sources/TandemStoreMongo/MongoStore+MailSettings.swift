// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// The ``MailSettingsStore`` requirements of ``TandemStore`` (collections `mailPreferences`, `mailTemplates`).
extension MongoStore {
    var mailPreferences: MongoCollection { client.collection(MongoSchema.mailPreferences, database: database) }
    var mailTemplates: MongoCollection { client.collection(MongoSchema.mailTemplates, database: database) }

    public func mailPreference(of user: UserID) async throws -> MailPreference {
        try await perform("mailPreference") {
            guard let document = try await mailPreferences.findOne(["key": .string(user.rawValue)]) else { return .immediately }
            guard let preference = document["preference"]?.stringValue.flatMap(MailPreference.init(rawValue:)) else {
                throw StoreError.corrupt("mailPreferences of \(user): \(document)")
            }
            return preference
        }
    }

    public func setMailPreference(_ preference: MailPreference, of user: UserID) async throws {
        try await perform("setMailPreference") {
            try await mailPreferences.updateOne(
                ["key": .string(user.rawValue)], ["$set": ["preference": .string(preference.rawValue)]], upsert: true)
        }
    }

    public func mailTemplate(kind: String) async throws -> MailTemplate? {
        try await perform("mailTemplate") {
            guard let document = try await mailTemplates.findOne(["key": .string(kind)]),
                let template = document["template"]?.documentValue
            else { return nil }
            return try BSONDecoder().decode(MailTemplate.self, from: template)
        }
    }

    public func setMailTemplate(_ template: MailTemplate?, kind: String) async throws {
        try await perform("setMailTemplate") {
            if let template {
                try await mailTemplates.updateOne(
                    ["key": .string(kind)], ["$set": ["template": .document(try BSONEncoder().encode(template))]], upsert: true)
            } else {
                _ = try await mailTemplates.deleteMany(["key": .string(kind)])
            }
        }
    }
}
