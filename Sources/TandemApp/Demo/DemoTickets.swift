// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import TandemCore
import TandemStore

/// About two hundred demo tickets across the demo teams, each with a few
/// comments and a history made of real operations, written through the op log.
enum DemoTickets {
    private static let subjects = [
        "Invoice shows the wrong VAT rate", "Cannot reset my password", "Card declined at checkout",
        "Export to CSV is empty", "Two-factor codes arrive late", "Refund not received after 10 days",
        "App crashes when uploading a photo", "How do I add a second user?", "Dark mode makes charts unreadable",
        "Webhook retries flood our endpoint", "Invite email goes to spam", "Wrong timezone in reports",
        "Billing address cannot be changed", "Search misses accented names (é, ñ)", "SSO login loops back",
        "API returns 429 too early", "Attachment over 10 MB fails", "Need a copy of last year's invoices",
        "Onboarding checklist stuck at 80%", "Mobile push notifications stopped",
    ]
    private static let replies = [
        "Thanks for reaching out, we're looking into this now.",
        "Could you send a screenshot of what you see?",
        "I've reproduced this and passed it to engineering.",
        "This should be fixed now — can you try again? 🙏",
        "Thanks! It works again.",
        "Still happening on my side, sorry.",
    ]
    private static let notes = [
        "Customer is on the Pro plan; check the billing migration.",
        "Looks related to last week's deploy.",
        "@mention the on-call engineer if this recurs.",
    ]

    /// Writes the tickets; `customers` are requesters, `teams` own them with their members.
    static func seed(
        store: any TandemStore, customers: [User], teams: [Team], startMs: Int64, count: Int = 200
    ) async throws -> Int {
        var rng = SplitMix(seed: 2026)
        let ids = IdentifierGenerator()
        let statuses: [TicketStatus] = [.new, .open, .open, .pending, .onHold, .solved, .closed]
        let limits = TicketLimits()
        for index in 0..<count {
            let team = teams[index % teams.count]
            let agents = team.members.map(\.userID)
            let customer = customers[Int(rng.next() % UInt64(customers.count))]
            let created = Timestamp(millisecondsSince1970: startMs - Int64(count - index) * 3_600_000)
            var ticket = Ticket(
                id: ids.make("tkt", at: UInt64(created.millisecondsSince1970), using: &rng),
                subject: subjects[index % subjects.count],
                description: "Hello,\n\n\(subjects[index % subjects.count]). It started yesterday.\n\nThanks!",
                priority: TicketPriority.allCases[Int(rng.next() % 4)], requester: customer.id, team: team.id,
                createdAt: created)
            ticket = try await store.createTicket(ticket)
            var ops: [TicketOp] = []
            var at = created
            func add(_ change: TicketChange, by author: UserID) throws {
                at = at.adding(milliseconds: Int64(rng.next() % 600_000) + 60_000)
                let op = TicketOp(version: ticket.version + 1, change: change, author: author, at: at, client: nil, seq: nil)
                try ticket.apply(op, limits: limits)
                ops.append(op)
            }
            let agent = agents[Int(rng.next() % UInt64(agents.count))]
            let target = statuses[Int(rng.next() % UInt64(statuses.count))]
            if target != .new {
                try add(.status(.open), by: agent)
                try add(.assignee(agent), by: agent)
                try add(.tags(try TagOperation(adding: [index % 3 == 0 ? "billing" : "bug"], removing: [])), by: agent)
                try add(.comment(comment(&rng, ids, agent, replies[0], .public, at)), by: agent)
                try add(.comment(comment(&rng, ids, agent, notes[index % notes.count], .internal, at)), by: agent)
                try add(.comment(comment(&rng, ids, customer.id, replies[Int(rng.next() % 2) + 4], .public, at)), by: customer.id)
                if target != .open { try add(.status(target == .closed ? .solved : target), by: agent) }
                if target == .closed { try add(.status(.closed), by: agent) }
            }
            if !ops.isEmpty { try await store.commit(ticket: ticket.id, ops: ops, snapshot: ticket) }
        }
        return count
    }

    private static func comment(
        _ rng: inout SplitMix, _ ids: IdentifierGenerator, _ author: UserID, _ body: String, _ visibility: Visibility,
        _ at: Timestamp
    ) -> Comment {
        Comment(
            id: ids.make("cmt", at: UInt64(at.millisecondsSince1970), using: &rng), author: author, body: body,
            visibility: visibility, createdAt: at)
    }
}

/// A small deterministic generator, so the demo data is the same on every machine.
struct SplitMix: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
