// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import Testing

@testable import TandemCore
import TandemTestSupport

/// Random operation sequences, valid and invalid mixed, several authors interleaved:
/// `apply` is atomic, replay reproduces the live state, and typing is not history.
@Suite("Tickets: apply properties")
struct TicketApplyPropertyTests {
    static let authors = (0..<5).map { UserID("usr_\($0)") }
    static let customer = UserID("usr_customer")
    static let limits = TicketLimits(maxTextScalars: 400, maxCommentScalars: 40, maxTags: 4)

    static func ticket() -> Ticket {
        Ticket(
            id: TicketID("tkt_p"), subject: "Property", description: "Start é👍🏽", requester: customer,
            team: TeamID("team_a"), createdAt: Timestamp(millisecondsSince1970: 1_000))
    }

    /// A change that may or may not fit the ticket: out-of-range and over-long text edits,
    /// forbidden transitions, too many tags and empty comments are all drawn.
    static func change(for ticket: Ticket, step: Int, using rng: inout SplitMix64) -> TicketChange {
        let field = TextField.allCases[Int.random(in: 0..<3, using: &rng)]
        let length = ticket.text(field).count
        switch Int.random(in: 0..<20, using: &rng) {
        case 0: return .status(TicketStatus.allCases.randomElement(using: &rng)!)
        case 1: return .priority(TicketPriority.allCases.randomElement(using: &rng)!)
        case 2:
            let tags = (0..<Int.random(in: 0...3, using: &rng)).map { _ in "t\(Int.random(in: 0..<7, using: &rng))" }
            let removing = Set(["t\(step % 7)"]).subtracting(tags)
            return .tags(try! TagOperation(adding: Set(tags), removing: removing))
        case 3:
            let body = ["", "  ", "ok", "é👍🏽 reply", String(repeating: "x", count: 41)].randomElement(using: &rng)!
            let author = Bool.random(using: &rng) ? customer : authors[0]
            return .comment(
                Comment(
                    id: CommentID("cmt_\(step)"), author: author, body: body,
                    visibility: Bool.random(using: &rng) ? .public : .internal,
                    createdAt: Timestamp(millisecondsSince1970: Int64(step))))
        case 4:
            // Out of range: the base length exceeds the text.
            var op = TextOperation()
            op.retain(length + 1 + Int.random(in: 0...3, using: &rng))
            op.insert("!")
            return .text(field, op)
        case 5:
            // Too long for the limit.
            var op = TextOperation()
            op.retain(length)
            op.insert(String(repeating: "y", count: limits.maxTextScalars - length + 1))
            return .text(field, op)
        default:
            let position = Int.random(in: 0...length, using: &rng)
            let deleted = min(length - position, Int.random(in: 0...2, using: &rng))
            let inserted = ["a", "é", "👍🏽", "中", "e\u{301}", ""].randomElement(using: &rng)!
            return .text(field, try! TextOperation(replacing: position..<(position + deleted), with: inserted))
        }
    }

    @Test(arguments: [1, 2, 3, 42, 2026] as [UInt64])
    func failedOpsChangeNothingAndReplayMatchesLive(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var live = Self.ticket()
        var log: [TicketOp] = []
        var snapshots: [Ticket] = [live]
        var clock: Int64 = 10_000
        var refused = 0
        for step in 1...600 {
            clock += Int64.random(in: 0...3_000, using: &rng)
            let author = Self.authors.randomElement(using: &rng)!
            let op = TicketOp(
                version: live.version + 1, change: Self.change(for: live, step: step, using: &rng), author: author,
                at: Timestamp(millisecondsSince1970: clock), client: "c\(author.rawValue)", seq: Int64(step))
            let before = live
            do {
                try live.apply(op, limits: Self.limits)
                log.append(op)
                snapshots.append(live)
            } catch {
                refused += 1
                #expect(live == before, "step \(step): a refused \(op.change) changed the ticket")
            }
            if live.status == .closed { break }
        }
        #expect(refused > 0, "the generator should draw invalid changes too")
        for snapshot in stride(from: 0, to: snapshots.count, by: 23).map({ snapshots[$0] }) {
            var replayed = try JSONDecoder().decode(Ticket.self, from: JSONEncoder().encode(snapshot))
            for op in log where op.version > snapshot.version { try replayed.apply(op, limits: Self.limits) }
            #expect(replayed == live)
        }
        #expect(try JSONDecoder().decode(Ticket.self, from: JSONEncoder().encode(live)) == live)
    }

    /// Several people typing into one field at once get one history line each per minute,
    /// not one per keystroke; the line carries the version of their latest keystroke.
    @Test(arguments: [2, 5, 20])
    func interleavedTypingIsOneLinePerAuthorAndMinute(typists: Int) throws {
        var t = Self.ticket()
        let people = (0..<typists).map { UserID("usr_typist\($0)") }
        var lastVersion: [UserID: Int64] = [:]
        for keystroke in 0..<(typists * 50) {
            let author = people[keystroke % typists]
            var op = TextOperation()
            op.retain(t.replyDraft.count)
            op.insert("k")
            let version = t.version + 1
            try t.apply(
                TicketOp(
                    version: version, change: .text(.replyDraft, op), author: author,
                    at: Timestamp(millisecondsSince1970: 100_000 + Int64(keystroke) * 10), client: nil, seq: nil),
                limits: TicketLimits())
            lastVersion[author] = version
        }
        let lines = t.history.filter { $0.field == TextField.replyDraft.rawValue }
        #expect(lines.count == typists)
        for line in lines { #expect(line.version == lastVersion[line.actor]) }
        #expect(t.replyDraft.count == typists * 50)
    }

    /// Coalescing matches a plain reference: a text edit extends its author's latest line
    /// when that line is a text line of the same field started less than a minute before.
    @Test(arguments: [7, 8, 9] as [UInt64])
    func coalescingMatchesTheReference(seed: UInt64) throws {
        var rng = SplitMix64(seed: seed)
        var live = Self.ticket()
        var expected: [HistoryEntry] = []
        var clock: Int64 = 10_000
        for step in 1...800 {
            clock += Int64.random(in: 0...4_000, using: &rng)
            let author = Self.authors[Int.random(in: 0..<3, using: &rng)]
            let field = TextField.allCases[Int.random(in: 0..<3, using: &rng)]
            let change: TicketChange
            if Int.random(in: 0..<12, using: &rng) == 0 {
                change = .priority(live.priority == .high ? .low : .high)
            } else {
                var op = TextOperation()
                op.retain(live.text(field).count)
                op.insert("x")
                change = .text(field, op)
            }
            let op = TicketOp(
                version: Int64(step), change: change, author: author, at: Timestamp(millisecondsSince1970: clock),
                client: nil, seq: nil)
            try live.apply(op, limits: TicketLimits())
            // The reference.
            switch change {
            case .text(let field, _):
                if let index = expected.lastIndex(where: { $0.actor == author }),
                    expected[index].field == field.rawValue, expected[index].from == nil, expected[index].to == nil,
                    clock - expected[index].at.millisecondsSince1970 < Ticket.historyCoalescingMilliseconds
                {
                    expected[index].version = op.version
                } else {
                    expected.append(
                        HistoryEntry(
                            version: op.version, actor: author, at: op.at, field: field.rawValue, isPublic: field.isPublic))
                }
            case .priority(let value):
                let from = expected.last(where: { $0.field == "priority" })?.to ?? TicketPriority.normal.rawValue
                expected.append(
                    HistoryEntry(
                        version: op.version, actor: author, at: op.at, field: "priority", from: from, to: value.rawValue,
                        isPublic: true))
            default:
                Issue.record("unexpected change")
            }
        }
        #expect(live.history == expected)
    }
}
