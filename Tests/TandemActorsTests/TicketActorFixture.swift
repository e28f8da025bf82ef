// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Logging
@testable import TandemActors
import TandemCore
import TandemStore
import TandemStoreSQLite
import TandemTestSupport
import Testing

/// One ticket in a real (temporary) SQLite store behind a ``ControlledStore``, and what its
/// actors need from the node, in memory: recorded deliveries, a clock that stands still,
/// and a directory that knows every team and agent.
/// Every activation reads the ticket from the store, as the registry's does.
struct TicketActorFixture {
    let sqlite: SQLiteStore
    let store: ControlledStore
    let delivery = DeliveryRecorder()
    let clock = ManualClock()
    let ticket: TicketID
    let agent = Principal(userID: UserID("usr_agent"), role: .admin)
    var settings = TicketActorSettings()
    /// Quiet: the failures these tests cause on purpose are logged as errors.
    static let logger = {
        var logger = Logger(label: "tandem.actors.test")
        logger.logLevel = .critical
        return logger
    }()

    static func make() async throws -> TicketActorFixture {
        let sqlite = try SQLiteStore.temporary(logger: logger)
        try await sqlite.migrate()
        let clock = ManualClock()
        let ticket = Ticket(
            id: TicketID("tkt_actor"), subject: "Printer on fire", description: "", requester: UserID("usr_customer"),
            createdAt: clock.now())
        try await sqlite.createTicket(ticket)
        return TicketActorFixture(sqlite: sqlite, store: ControlledStore(sqlite), ticket: ticket.id)
    }

    /// A new activation of the ticket from what the store holds.
    func activate() async throws -> TicketActor {
        let stored = try #require(try await store.loadTicket(id: ticket))
        let context = TicketActorContext(
            store: store, delivery: delivery, observer: NoCommitObserver(), directory: OpenDirectory(), clock: clock,
            settings: settings, logger: Self.logger)
        return try TicketActor(stored: stored, context: context)
    }

    func address(_ connection: UInt64) -> SubscriberAddress { SubscriberAddress(node: "n1", connection: connection) }

    /// Subscribes connection `connection` as the agent (staff view).
    @discardableResult
    func subscribe(_ actor: TicketActor, _ connection: UInt64, from version: Int64? = nil) async throws -> SubscribeReply {
        let subscriber = SubscriberInfo(address: address(connection), user: agent.userID, name: "Ada", audience: .staff)
        return try await actor.subscribe(SubscribeRequest(subscriber: subscriber, principal: agent, fromVersion: version))
    }

    /// The agent's edit of the internal notes, inserting `text` at the start, made on `base`.
    func insert(
        _ text: String, client: String, seq: Int64, base: Int64, replyTo connection: UInt64? = nil
    ) -> SubmitRequest {
        var edit = TextOperation()
        edit.insert(text)
        return SubmitRequest(
            actor: .init(principal: agent, name: "Ada"), client: client, seq: seq, baseVersion: base,
            request: .change(.text(.internalNotes, edit)), replyTo: connection.map(address))
    }

    /// Versions of the operations the store holds after `version`.
    func storedVersions(after version: Int64 = 0) async throws -> [Int64] {
        try await sqlite.ops(ticket: ticket, after: version, through: .max).map(\.version)
    }

    func close() async { try? await sqlite.close() }
}

/// Every team exists and every user may be assigned.
struct OpenDirectory: TicketDirectory {
    func isAssignable(_ user: UserID, team: TeamID?) async -> Bool { true }
    func teamExists(_ team: TeamID) async -> Bool { true }
}

/// No team queue or notification listens: these tests edit text, which feeds neither.
struct NoCommitObserver: TicketCommitObserver {
    func ticketCommitted(before: TicketSummary, after: Ticket, ops: [TicketOp]) async {}
}

extension TicketActor {
    /// Operations applied and waiting for the next group commit.
    var queuedForCommit: Int { queue.count }
    var subscriberCount: Int { subscribers.count }
}
