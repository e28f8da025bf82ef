// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore

struct CreateTicketRequest: RequestBody {
    static let fields: Set<String> = ["subject", "description", "priority", "team", "tags", "requester"]
    var subject: String
    var description: String
    var priority: String?
    /// Staff only: the owning team.
    var team: String?
    var tags: [String]?
    /// Staff only: open the ticket on behalf of this customer.
    var requester: String?
}

struct UpdateTicketRequest: RequestBody {
    static let fields: Set<String> = ["subject", "status", "priority", "assignee", "team", "addTags", "removeTags"]
    var subject: String?
    var status: String?
    var priority: String?
    /// A user id, or `""` to unassign.
    var assignee: String?
    /// A team id, or `""` to move to the triage queue.
    var team: String?
    var addTags: [String]?
    var removeTags: [String]?
}

struct CommentRequestBody: RequestBody {
    static let fields: Set<String> = ["body", "visibility", "mentions", "fromDraft", "confirmInternal"]
    var body: String?
    var visibility: String?
    var mentions: [String]?
    var fromDraft: Bool?
    /// Send publicly draft text that others wrote while it was internal (otherwise 409 `confirmation_required`).
    var confirmInternal: Bool?
}
