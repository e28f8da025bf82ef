//===----------------------------------------------------------------------===//
// Tandem — an open-source, real-time technical-support desk.
//===----------------------------------------------------------------------===//

/// Why a change cannot be applied to a ticket. Nothing is changed when one is thrown.
public enum TicketError: Error, Sendable, Hashable {
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
