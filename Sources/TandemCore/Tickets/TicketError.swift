// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

/// Why a change cannot be applied to a ticket. Nothing is changed when one is thrown.
public enum TicketError: Error, Sendable, Hashable, Codable {
    /// The status may not move this way.
    case invalidTransition(from: TicketStatus, to: TicketStatus)
    /// The text would grow past the limit (in Unicode scalars).
    case textTooLong(field: TextField, limit: Int)
    /// The text operation does not fit the text (positions out of range, wrong base length).
    case invalidOperation(OTError)
    /// A field value breaks a rule.
    case invalid(ValidationError)
    /// A closed ticket takes no more changes.
    case closed

    /// A stable machine-readable code.
    public var code: String {
        switch self {
        case .invalidTransition: "invalid_transition"
        case .textTooLong: "text_too_long"
        case .invalidOperation: "invalid_operation"
        case .invalid(let error): error.code
        case .closed: "ticket_closed"
        }
    }

    /// A sentence a person can act on.
    public var message: String {
        switch self {
        case .invalidTransition(let from, let to): "A ticket cannot move from \(from.rawValue) to \(to.rawValue)."
        case .textTooLong(let field, let limit): "\(field.rawValue) would exceed \(limit) characters."
        case .invalidOperation(let error): "The operation does not fit the text: \(error)."
        case .invalid(let error): error.message
        case .closed: "The ticket is closed; open a follow-up ticket instead."
        }
    }
}

/// Refusals about the shared reply draft and pending replies. Each has a code of its own
/// (carried as a ``ValidationError`` code, so that it crosses nodes like every other refusal).
extension TicketError {
    public static let draftModeChangedCode = "draft_mode_changed"
    public static let confirmationRequiredCode = "confirmation_required"
    public static let replyNotPendingCode = "reply_not_pending"
    /// The codes above: each is a protocol error code and an HTTP 409.
    public static let draftCodes: Set<String> = [draftModeChangedCode, confirmationRequiredCode, replyNotPendingCode]

    /// Someone else changed the draft's mode after the version the sender saw.
    public static func draftModeChanged(by user: UserID) -> TicketError {
        .invalid(
            ValidationError(
                field: "draftMode", code: draftModeChangedCode,
                message:
                    "Someone else changed the draft between public reply and internal note after you saw it (\(user.rawValue)); check it and send again."
            ))
    }

    /// Sending publicly text that others wrote while the draft was internal needs `confirmInternal`.
    public static func confirmationRequired(authors: Set<UserID>) -> TicketError {
        .invalid(
            ValidationError(
                field: "confirmInternal", code: confirmationRequiredCode,
                message:
                    "The draft holds text written as an internal note by \(authors.sorted().map(\.rawValue).joined(separator: ", ")); confirm to send it to the customer."
            ))
    }

    /// The reply is not waiting any more: it was published or undone.
    public static func replyNotPending(_ id: CommentID) -> TicketError {
        .invalid(
            ValidationError(
                field: "comment", code: replyNotPendingCode,
                message: "Reply \(id.rawValue) is not waiting to be published any more: it was published or undone."))
    }

    /// Whether this is one of the draft refusals above.
    public var isDraftRefusal: Bool {
        if case .invalid(let error) = self { return Self.draftCodes.contains(error.code) }
        return false
    }
}

/// Size limits applied to every change.
public struct TicketLimits: Sendable, Hashable {
    /// Longest collaborative text, in Unicode scalars.
    public var maxTextScalars: Int
    /// Longest comment body, in Unicode scalars.
    public var maxCommentScalars: Int
    /// Most tags on one ticket.
    public var maxTags: Int

    public init(maxTextScalars: Int = 1 << 20, maxCommentScalars: Int = 64 * 1024, maxTags: Int = 50) {
        self.maxTextScalars = maxTextScalars
        self.maxCommentScalars = maxCommentScalars
        self.maxTags = maxTags
    }
}
