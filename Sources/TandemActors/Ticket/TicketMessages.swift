// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// A comment as a client asks for it; the ticket actor makes the ``Comment``.
public struct CommentRequest: Codable, Sendable, Hashable {
    public var body: String
    public var visibility: Visibility
    public var mentions: [UserID]
    /// Post the shared reply draft (and clear it) instead of `body`.
    public var fromDraft: Bool
    /// The sender confirmed sending publicly draft text that others wrote while it was internal.
    public var confirmInternal: Bool

    public init(
        body: String, visibility: Visibility, mentions: [UserID] = [], fromDraft: Bool = false,
        confirmInternal: Bool = false
    ) {
        self.body = body
        self.visibility = visibility
        self.mentions = mentions
        self.fromDraft = fromDraft
        self.confirmInternal = confirmInternal
    }

    private enum CodingKeys: String, CodingKey { case body, visibility, mentions, fromDraft, confirmInternal }

    /// `body` may be omitted with `fromDraft`; `mentions` defaults to none, `fromDraft` to false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        body = try container.decodeIfPresent(String.self, forKey: .body) ?? ""
        visibility = try container.decode(Visibility.self, forKey: .visibility)
        mentions = try container.decodeIfPresent([UserID].self, forKey: .mentions) ?? []
        fromDraft = try container.decodeIfPresent(Bool.self, forKey: .fromDraft) ?? false
        confirmInternal = try container.decodeIfPresent(Bool.self, forKey: .confirmInternal) ?? false
    }
}

/// What a client submits: a change, or a comment.
public enum ChangeRequest: Codable, Sendable, Hashable {
    case change(TicketChange)
    /// Several changes made together, all or none, one version each (a REST update of several fields).
    case changes([TicketChange])
    case comment(CommentRequest)
    /// Take back a pending public reply and put its text back into the reply draft.
    case undoReply(CommentID)

    /// Whether the server builds the operations (the submitter receives them too).
    var isServerBuilt: Bool {
        switch self {
        case .comment, .undoReply: true
        case .change, .changes: false
        }
    }
}

/// The user a request acts for (their principal and display name), with what they may see.
public struct ActingUser: Codable, Sendable, Hashable {
    public var principal: Principal
    public var name: String

    public init(principal: Principal, name: String) {
        self.principal = principal
        self.name = name
    }

    public var audience: Audience { principal.role.isStaff ? .staff : .public }
}

/// Submit one change made on `baseVersion`.
public struct SubmitRequest: Codable, Sendable, Hashable {
    public var actor: ActingUser
    /// The submitting client and its sequence number; a resend with the same pair is applied once.
    public var client: String?
    public var seq: Int64?
    public var baseVersion: Int64
    public var request: ChangeRequest
    /// Where to deliver the acknowledgement in order with the broadcasts (WebSocket clients).
    public var replyTo: SubscriberAddress?

    public init(
        actor: ActingUser, client: String?, seq: Int64?, baseVersion: Int64, request: ChangeRequest,
        replyTo: SubscriberAddress?
    ) {
        self.actor = actor
        self.client = client
        self.seq = seq
        self.baseVersion = baseVersion
        self.request = request
        self.replyTo = replyTo
    }
}

/// The outcome of a submission: the version its last change produced.
public struct SubmitReply: Codable, Sendable, Hashable {
    public var version: Int64
    /// True when the same (client, seq) had already been committed.
    public var duplicate: Bool

    public init(version: Int64, duplicate: Bool) {
        self.version = version
        self.duplicate = duplicate
    }
}

/// Subscribe a connection to a ticket, optionally resuming from a known version.
public struct SubscribeRequest: Codable, Sendable, Hashable {
    public var subscriber: SubscriberInfo
    public var principal: Principal
    /// Resume from here: the reply carries exactly the operations after it, or a snapshot when they are gone.
    public var fromVersion: Int64?
    /// The client's correlation id, echoed in the reply frame.
    public var ref: String?

    public init(subscriber: SubscriberInfo, principal: Principal, fromVersion: Int64?, ref: String? = nil) {
        self.subscriber = subscriber
        self.principal = principal
        self.fromVersion = fromVersion
        self.ref = ref
    }
}

/// The state a new subscriber starts from.
public enum SubscribeReply: Codable, Sendable, Hashable {
    /// The full (audience-filtered) ticket at its version, with the people present.
    case snapshot(TicketView, presence: [Presence])
    /// The operations after the requested version (possibly none), with the people present.
    case ops([TicketOp], version: Int64, presence: [Presence])
}

/// A presence update from one connection.
public struct PresenceUpdate: Codable, Sendable, Hashable {
    public var subscriber: SubscriberInfo
    public var state: Presence.State
    public var field: TextField?
    public var selection: TextSelection?
    /// The version the selection refers to; it is moved through later edits.
    public var version: Int64?

    public init(
        subscriber: SubscriberInfo, state: Presence.State, field: TextField?, selection: TextSelection?,
        version: Int64?
    ) {
        self.subscriber = subscriber
        self.state = state
        self.field = field
        self.selection = selection
        self.version = version
    }
}

/// Why a ticket actor refused a message.
/// `Codable` so that it crosses nodes as it is (``ActorCallResult/failure(_:)``).
public enum TicketActorError: Error, Sendable, Hashable, Codable {
    case notFound
    case forbidden(String)
    /// The base version is newer than the ticket.
    case futureVersion(current: Int64)
    /// The base version is older than the operations still kept; resubscribe for a snapshot.
    case versionTooOld
    /// A resend older than the client's last committed operation.
    case staleSequence
    case invalid(TicketError)
    /// The store did not take the change; nothing was acknowledged. Retry.
    case unavailable(String)
    /// The actor was passivated or lost ownership between lookup and call; look it up again.
    case inactive
    /// The connection is not subscribed to the ticket (any more); subscribe again.
    case notSubscribed
}
