// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemActors
import TandemCore

/// An error sent to a client as an `error` frame; the connection stays open.
struct ProtocolError: Error, Sendable {
    /// The error codes of the protocol (docs/PROTOCOL.md lists them all).
    enum Code: String, Sendable, CaseIterable {
        case unauthenticated = "unauthenticated"
        case invalidJSON = "invalid_json"
        case invalidMessage = "invalid_message"
        case unknownType = "unknown_type"
        case unknownTopic = "unknown_topic"
        case notSubscribed = "not_subscribed"
        case alreadySubscribed = "already_subscribed"
        case tooManySubscriptions = "too_many_subscriptions"
        case forbidden = "forbidden"
        case notFound = "not_found"
        case futureVersion = "future_version"
        case versionTooOld = "version_too_old"
        case staleSequence = "stale_sequence"
        case invalidOperation = "invalid_operation"
        case invalidTransition = "invalid_transition"
        case textTooLong = "text_too_long"
        case invalidValue = "invalid_value"
        case ticketClosed = "ticket_closed"
        case draftModeChanged = "draft_mode_changed"
        case confirmationRequired = "confirmation_required"
        case replyNotPending = "reply_not_pending"
        case rateLimited = "rate_limited"
        case tooManyConnections = "too_many_connections"
        case unavailable = "unavailable"
        case `internal` = "internal"
    }

    var code: String
    var message: String
    var ref: String?
    var topic: String?
    var seq: Int64?

    init(_ code: Code, _ message: String, ref: String? = nil, topic: String? = nil, seq: Int64? = nil) {
        self.code = code.rawValue
        self.message = message
        self.ref = ref
        self.topic = topic
        self.seq = seq
    }

    /// Maps an actor refusal to its protocol error.
    init(_ error: TicketActorError, ref: String?, topic: String?, seq: Int64? = nil) {
        switch error {
        case .notFound: self.init(.notFound, "No such ticket.", ref: ref, topic: topic, seq: seq)
        case .forbidden(let reason): self.init(.forbidden, reason, ref: ref, topic: topic, seq: seq)
        case .futureVersion(let current):
            self.init(.futureVersion, "The ticket is at version \(current).", ref: ref, topic: topic, seq: seq)
        case .versionTooOld:
            self.init(.versionTooOld, "That version is too old; resubscribe without a version.", ref: ref, topic: topic, seq: seq)
        case .staleSequence:
            self.init(.staleSequence, "That sequence number was already used.", ref: ref, topic: topic, seq: seq)
        case .invalid(let ticketError):
            let code: Code =
                switch ticketError {
                case .invalidTransition: .invalidTransition
                case .textTooLong: .textTooLong
                case .invalidOperation: .invalidOperation
                case .invalid(let validation): Code(draftRefusal: validation.code) ?? .invalidValue
                case .closed: .ticketClosed
                }
            self.init(code, ticketError.message, ref: ref, topic: topic, seq: seq)
        case .unavailable:
            self.init(.unavailable, "The change was not saved; resend it.", ref: ref, topic: topic, seq: seq)
        case .inactive:
            self.init(.unavailable, "The ticket moved; resubscribe and resend.", ref: ref, topic: topic, seq: seq)
        case .notSubscribed:
            self.init(.notSubscribed, "Subscribe to the ticket first.", ref: ref, topic: topic, seq: seq)
        }
    }
}

extension ProtocolError.Code {
    /// The code of a draft refusal (``TicketError/draftCodes``), each a code of its own.
    init?(draftRefusal code: String) {
        guard TicketError.draftCodes.contains(code) else { return nil }
        self.init(rawValue: code)
    }
}
