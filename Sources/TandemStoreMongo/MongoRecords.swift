// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemMongo
import TandemStore

/// Users, teams, sessions and notifications as documents, and back.
///
/// Fields that queries compare never hold `null` (a `null` query also matches a
/// missing field, and servers differ on it): "none" is a Boolean flag beside the
/// optional value (`revoked`, `read`). Tandem's id is `key`.
enum MongoRecords {
    // MARK: Users

    static func document(_ user: User) -> BSONDocument {
        [
            "key": .string(user.id.rawValue),
            "email": .string(user.email),
            "emailKey": .string(MongoText.asciiKey(user.email)),
            "name": .string(user.name),
            "nameFold": .string(MongoText.fold(user.name)),
            "emailFold": .string(MongoText.fold(user.email)),
            "role": .string(user.role.rawValue),
            "passwordHash": .string(user.passwordHash),
            "disabled": .bool(user.disabled),
            "createdAt": .int64(user.createdAt.millisecondsSince1970),
            "updatedAt": .int64(user.updatedAt.millisecondsSince1970),
        ]
    }

    static func user(_ document: BSONDocument) throws -> User {
        let fields = MongoFields(document, collection: MongoSchema.users)
        return User(
            id: UserID(try fields.string("key")), email: try fields.string("email"), name: try fields.string("name"),
            role: try fields.enumeration("role"), passwordHash: try fields.string("passwordHash"),
            disabled: try fields.bool("disabled"), createdAt: try fields.timestamp("createdAt"),
            updatedAt: try fields.timestamp("updatedAt"))
    }

    // MARK: Teams

    static func document(_ team: Team) -> BSONDocument {
        [
            "key": .string(team.id.rawValue),
            "name": .string(team.name),
            "nameKey": .string(MongoText.asciiKey(team.name)),
            "members": .array(
                team.members.map { member in
                    ["user": .string(member.userID.rawValue), "role": .string(member.role.rawValue)]
                }),
            // The member ids again, flat: what memberships(of:) looks up.
            "memberKeys": .strings(team.members.map(\.userID.rawValue)),
            "createdAt": .int64(team.createdAt.millisecondsSince1970),
            "updatedAt": .int64(team.updatedAt.millisecondsSince1970),
        ]
    }

    static func team(_ document: BSONDocument) throws -> Team {
        let fields = MongoFields(document, collection: MongoSchema.teams)
        guard case .array(let entries)? = document["members"] else { throw fields.corrupt("members", "an array") }
        let members = try entries.map { entry in
            guard case .document(let member) = entry else { throw fields.corrupt("members", "an array of documents") }
            let memberFields = MongoFields(member, collection: MongoSchema.teams + ".members")
            return TeamMember(
                userID: UserID(try memberFields.string("user")), role: try memberFields.enumeration("role"))
        }
        return Team(
            id: TeamID(try fields.string("key")), name: try fields.string("name"), members: members,
            createdAt: try fields.timestamp("createdAt"), updatedAt: try fields.timestamp("updatedAt"))
    }

    // MARK: Sessions

    static func document(_ session: Session) -> BSONDocument {
        [
            "key": .string(session.id.rawValue),
            "user": .string(session.userID.rawValue),
            "refreshTokenHash": .string(session.refreshTokenHash),
            "csrfToken": .string(session.csrfToken),
            "createdAt": .int64(session.createdAt.millisecondsSince1970),
            "expiresAt": .int64(session.expiresAt.millisecondsSince1970),
            "revoked": .bool(session.revokedAt != nil),
            "revokedAt": .int64(session.revokedAt?.millisecondsSince1970),
            "userAgent": .string(session.userAgent),
            "ipAddress": .string(session.ipAddress),
        ]
    }

    static func session(_ document: BSONDocument) throws -> Session {
        let fields = MongoFields(document, collection: MongoSchema.sessions)
        return Session(
            id: SessionID(try fields.string("key")), userID: UserID(try fields.string("user")),
            refreshTokenHash: try fields.string("refreshTokenHash"), csrfToken: try fields.string("csrfToken"),
            createdAt: try fields.timestamp("createdAt"), expiresAt: try fields.timestamp("expiresAt"),
            revokedAt: try fields.optionalTimestamp("revokedAt"), userAgent: try fields.optionalString("userAgent"),
            ipAddress: try fields.optionalString("ipAddress"))
    }

    // MARK: Notifications

    static func document(_ notification: UserNotification) -> BSONDocument {
        [
            "key": .string(notification.id.rawValue),
            "user": .string(notification.user.rawValue),
            "kind": .string(notification.kind.rawValue),
            "ticket": .string(notification.ticket.rawValue),
            "actor": .string(notification.actor.rawValue),
            "text": .string(notification.text),
            "createdAt": .int64(notification.createdAt.millisecondsSince1970),
            "read": .bool(notification.readAt != nil),
            "readAt": .int64(notification.readAt?.millisecondsSince1970),
        ]
    }

    static func notification(_ document: BSONDocument) throws -> UserNotification {
        let fields = MongoFields(document, collection: MongoSchema.notifications)
        return UserNotification(
            id: NotificationID(try fields.string("key")), user: UserID(try fields.string("user")),
            kind: try fields.enumeration("kind"), ticket: TicketID(try fields.string("ticket")),
            actor: UserID(try fields.string("actor")), text: try fields.string("text"),
            createdAt: try fields.timestamp("createdAt"), readAt: try fields.optionalTimestamp("readAt"))
    }

    /// Leaves `_id` out of what is read back.
    static let withoutObjectID: BSONDocument = ["_id": 0]
}
