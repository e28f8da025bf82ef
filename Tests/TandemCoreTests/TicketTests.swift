// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

@testable import TandemCore

@Suite("Tickets: apply, transform, replay")
struct TicketTests {
    let agent = UserID("usr_agent")
    let customer = UserID("usr_customer")
    let limits = TicketLimits(maxTextScalars: 64, maxCommentScalars: 32, maxTags: 3)

    func ticket() -> Ticket {
        Ticket(
            id: TicketID("tkt_1"), subject: "Printer on fire", description: "Help", requester: customer,
            team: TeamID("team_a"), createdAt: Timestamp(millisecondsSince1970: 1_000))
    }

    func op(_ version: Int64, _ change: TicketChange, by author: UserID? = nil, at ms: Int64 = 2_000) -> TicketOp {
        TicketOp(
            version: version, change: change, author: author ?? agent, at: Timestamp(millisecondsSince1970: ms),
            client: "c", seq: version)
    }

    @Test(arguments: TicketStatus.allCases)
    func statusTransitionsFollowTheTable(from: TicketStatus) throws {
        for to in TicketStatus.allCases {
            var t = ticket()
            t.status = from
            let allowed = from != .closed && (from == to || from.successors.contains(to))
            if allowed {
                try t.apply(op(1, .status(to)), limits: limits)
                #expect(t.status == to)
            } else {
                #expect(throws: TicketError.self) { try t.apply(op(1, .status(to)), limits: limits) }
                #expect(t.version == 0)
            }
        }
    }

    @Test func closedTicketsRefuseChanges() throws {
        var t = ticket()
        try t.apply(op(1, .status(.solved)), limits: limits)
        try t.apply(op(2, .status(.closed)), limits: limits)
        #expect(throws: TicketError.closed) { try t.apply(op(3, .priority(.high)), limits: limits) }
        #expect(t.version == 2)
    }

    @Test func solvedAtAndReopenByCustomerReply() throws {
        var t = ticket()
        try t.apply(op(1, .status(.solved), at: 5_000), limits: limits)
        #expect(t.solvedAt == Timestamp(millisecondsSince1970: 5_000))
        let reply = Comment(
            id: CommentID("cmt_1"), author: customer, body: "still broken", visibility: .public,
            createdAt: Timestamp(millisecondsSince1970: 6_000))
        try t.apply(op(2, .comment(reply), by: customer, at: 6_000), limits: limits)
        #expect(t.status == .open)
        #expect(t.solvedAt == nil)
        #expect(t.firstResponseAt == nil)
    }

    @Test func firstResponseIsTheFirstPublicStaffReply() throws {
        var t = ticket()
        let note = Comment(
            id: CommentID("c1"), author: agent, body: "internal", visibility: .internal,
            createdAt: .init(millisecondsSince1970: 2))
        try t.apply(op(1, .comment(note), at: 3_000), limits: limits)
        #expect(t.firstResponseAt == nil)
        let reply = Comment(
            id: CommentID("c2"), author: agent, body: "on it", visibility: .public, createdAt: .init(millisecondsSince1970: 4))
        try t.apply(op(2, .comment(reply), at: 4_000), limits: limits)
        #expect(t.firstResponseAt == Timestamp(millisecondsSince1970: 4_000))
    }

    @Test func limitsAreEnforcedWithoutChangingAnything() throws {
        var t = ticket()
        var grow = TextOperation()
        grow.retain(4)
        grow.insert(String(repeating: "x", count: 61))
        #expect(throws: TicketError.textTooLong(field: .description, limit: 64)) {
            try t.apply(op(1, .text(.description, grow)), limits: limits)
        }
        let long = Comment(
            id: CommentID("c"), author: agent, body: String(repeating: "y", count: 33), visibility: .public,
            createdAt: .init(millisecondsSince1970: 1))
        #expect(throws: TicketError.self) { try t.apply(op(1, .comment(long)), limits: limits) }
        #expect(throws: TicketError.self) {
            try t.apply(op(1, .tags(try TagOperation(adding: ["a", "b", "c", "d"], removing: []))), limits: limits)
        }
        var outOfRange = TextOperation()
        outOfRange.retain(10)
        outOfRange.insert("!")
        #expect(throws: TicketError.self) { try t.apply(op(1, .text(.description, outOfRange)), limits: limits) }
        #expect(t == ticket())
    }

    @Test func typingIsOneHistoryLinePerPersonFieldAndMinute() throws {
        var t = ticket()
        for i in 1...5 {
            var typing = TextOperation()
            typing.retain(t.description.count)
            typing.insert("!")
            try t.apply(op(Int64(i), .text(.description, typing), at: 10_000 + Int64(i) * 1_000), limits: limits)
        }
        #expect(t.history.filter { $0.field == "description" }.count == 1)
        #expect(t.history.last?.version == 5)
        var later = TextOperation()
        later.insert("?")
        try t.apply(op(6, .text(.description, later), at: 200_000), limits: limits)
        #expect(t.history.filter { $0.field == "description" }.count == 2)
    }

    @Test func clientSequencesAreRecordedForDeduplication() throws {
        var t = ticket()
        try t.apply(op(1, .priority(.high)), limits: limits)
        #expect(t.clientSequences[ClientSequence.key(author: agent, client: "c")] == ClientSequence(seq: 1, version: 1))
    }

    @Test func changesRoundTripThroughJSON() throws {
        var text = TextOperation()
        text.retain(2)
        text.insert("👍🏽")
        text.delete(1)
        let changes: [TicketChange] = [
            .text(.replyDraft, text), .subject("Hi"), .status(.onHold), .priority(.urgent), .assignee(nil),
            .assignee(agent), .team(TeamID("t")), .team(nil), .tags(try TagOperation(adding: ["vip"], removing: ["spam"])),
            .comment(
                Comment(
                    id: CommentID("c"), author: agent, body: "b", visibility: .internal, mentions: [customer],
                    createdAt: .init(millisecondsSince1970: 9))),
        ]
        for change in changes {
            let data = try JSONEncoder().encode(change)
            #expect(try JSONDecoder().decode(TicketChange.self, from: data) == change)
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TicketChange.self, from: Data(#"{"kind":"set","field":"requester","value":"x"}"#.utf8))
        }
        #expect(throws: DecodingError.self) {
            try JSONDecoder().decode(TicketChange.self, from: Data(#"{"kind":"explode"}"#.utf8))
        }
    }

    @Test func publicChangesAreOnlyWhatCustomersMaySee() throws {
        #expect(TicketChange.text(.description, TextOperation()).isPublic)
        #expect(!TicketChange.text(.internalNotes, TextOperation()).isPublic)
        #expect(!TicketChange.text(.replyDraft, TextOperation()).isPublic)
        #expect(TicketChange.status(.open).isPublic)
        #expect(!TicketChange.assignee(nil).isPublic)
        #expect(!TicketChange.tags(try TagOperation(adding: ["x"], removing: [])).isPublic)
    }

    /// Replaying a snapshot and the operations after it reproduces the live state exactly,
    /// whichever operation the snapshot was taken at.
    @Test func replayFromAnySnapshotReproducesTheLiveState() throws {
        var rng = SystemRandomNumberGenerator()
        var live = ticket()
        var log: [TicketOp] = []
        var snapshots: [Ticket] = [live]
        let big = TicketLimits()
        for version in 1...300 {
            let field = TextField.allCases[Int.random(in: 0..<3, using: &rng)]
            let length = live.text(field).count
            let position = Int.random(in: 0...length, using: &rng)
            let change: TicketChange
            switch Int.random(in: 0..<10, using: &rng) {
            case 0: change = .priority(TicketPriority.allCases.randomElement(using: &rng)!)
            case 1: change = .tags(try TagOperation(adding: ["t\(version % 4)"], removing: ["t\((version + 1) % 4)"]))
            case 2:
                change = .comment(
                    Comment(
                        id: CommentID("c\(version)"), author: agent, body: "c\(version) é👍🏽", visibility: .public,
                        createdAt: .init(millisecondsSince1970: Int64(version))))
            default:
                change = .text(
                    field,
                    try TextOperation(
                        replacing: position..<min(length, position + Int.random(in: 0...2, using: &rng)),
                        with: ["a", "é", "👍🏽", "中", "e\u{301}"].randomElement(using: &rng)!))
            }
            let next = op(Int64(version), change, at: 1_000 + Int64(version) * 7_000)
            try live.apply(next, limits: big)
            log.append(next)
            snapshots.append(live)
        }
        for snapshot in stride(from: 0, through: 300, by: 37).map({ snapshots[$0] }) {
            var replayed = snapshot
            for op in log where op.version > snapshot.version { try replayed.apply(op, limits: big) }
            #expect(replayed == live)
            let json = try JSONEncoder().encode(replayed)
            #expect(try JSONDecoder().decode(Ticket.self, from: json) == live)
        }
    }
}

@Suite("ScalarText")
struct ScalarTextTests {
    @Test(arguments: ["", "plain", "é and e\u{301}", "👍🏽🇫🇷👨‍👩‍👧", "中文字符", "\u{7F}\u{80}\u{7FF}\u{800}\u{FFFF}\u{10000}\u{10FFFF}"])
    func stringRoundTripsExactly(_ text: String) {
        let scalarText = ScalarText(text)
        #expect(Array(scalarText.string.unicodeScalars) == Array(text.unicodeScalars))
        #expect(scalarText.count == text.unicodeScalars.count)
    }

    @Test func oneMegabyteRoundTrips() {
        let source = String(repeating: "ab👍🏽中 ", count: 1 << 17)
        let text = ScalarText(source)
        #expect(text.string == source)
        #expect(text.string.unicodeScalars.count == text.count)
    }
}
