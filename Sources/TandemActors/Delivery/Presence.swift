// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

/// One person's presence on a ticket.
public struct Presence: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable, CaseIterable {
        case viewing, typing, idle
    }
    public var user: UserID
    public var name: String
    public var connection: SubscriberAddress
    public var state: State
    /// The text field the caret is in, if any.
    public var field: TextField?
    /// The caret or selection in that field, in Unicode scalars; moved by remote edits.
    public var selection: TextSelection?
    public var updatedAt: Timestamp

    public init(
        user: UserID, name: String, connection: SubscriberAddress, state: State, field: TextField?,
        selection: TextSelection?, updatedAt: Timestamp
    ) {
        self.user = user
        self.name = name
        self.connection = connection
        self.state = state
        self.field = field
        self.selection = selection
        self.updatedAt = updatedAt
    }
}
