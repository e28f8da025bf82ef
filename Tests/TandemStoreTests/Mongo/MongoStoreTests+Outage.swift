// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Foundation
import TandemCore
import TandemMongo
import TandemStore
import TandemStoreMongo
import Testing

/// The database stops mid-write and comes back; a restart keeps the data.
/// Each test runs its own nx-27017 process.
@Suite("MongoStore outages", .enabled(if: NXServer.available), .serialized)
struct MongoOutageTests {
    func openStore(_ server: NXServer) throws -> MongoStore {
        try MongoStore(
            configuration: .init(connection: MongoConnectionOptions(url: server.url), database: "outage"),
            logger: MongoTestEnvironment.logger)
    }

    @Test func databaseStoppedMidWriteThenRestarted() async throws {
        let server = try NXServer()
        try await server.start()
        let store = try openStore(server)
        try await store.migrate()
        var fixtures = Fixtures()
        let ada = fixtures.user()
        let ticket = fixtures.ticket(requester: ada.id)
        try await store.createUser(ada)
        try await store.createTicket(ticket)

        // A writer commits one version after another; the database is killed under it.
        let ops = (Int64(1)...400).map { version in
            fixtures.op(.text(.internalNotes, .inserting("\(version);", at: 0)), version: version, author: ada.id)
        }
        let progress = Counter()
        let writer = Task { () -> (acknowledged: Int64, error: (any Error)?) in
            var acknowledged: Int64 = 0
            for op in ops {
                do {
                    try await store.commit(ticket: ticket.id, ops: [op], snapshot: nil)
                    acknowledged = op.version
                    progress.increment()
                } catch {
                    return (acknowledged, error)
                }
            }
            return (acknowledged, nil)
        }
        // Kill it once the writer is well under way (however loaded the machine is).
        let deadline = ContinuousClock.now + .seconds(60)
        while progress.value < 25, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        await server.kill()
        let (acknowledged, failure) = await writer.value
        try #require(acknowledged >= 25 && acknowledged < 400, "the kill landed mid-stream (\(acknowledged))")
        // A clear, typed error: the database is unavailable.
        guard case StoreError.unavailable? = failure as? StoreError else {
            Issue.record("expected StoreError.unavailable, got \(String(describing: failure))")
            return
        }
        // While it is down, every call fails the same way, within the selection timeout.
        let clock = ContinuousClock()
        let started = clock.now
        await #expect(throws: StoreError.self) { try await store.ping() }
        let down = await #expect(throws: StoreError.self) { _ = try await store.loadTicket(id: ticket.id) }
        if case .unavailable? = down {} else { Issue.record("expected unavailable, got \(String(describing: down))") }
        #expect(clock.now - started < .seconds(10))

        // Back up: the same store (and pool) recovers on its own.
        try await server.start()
        try await eventually { try await store.ping() }
        let loaded = try #require(try await store.loadTicket(id: ticket.id))
        let stored = loaded.ops.map(\.version)
        // No acknowledged write is lost; the one in flight may or may not have landed.
        #expect(Array(stored.prefix(Int(acknowledged))) == Array(1...acknowledged))
        #expect(stored.count == Int(acknowledged) || stored.count == Int(acknowledged) + 1)
        #expect(loaded.ops == Array(ops.prefix(stored.count)))
        // Retrying the lost write either succeeds or finds it committed already.
        let next = ops[Int(acknowledged)]
        do {
            try await store.commit(ticket: ticket.id, ops: [next], snapshot: nil)
        } catch let error as StoreError {
            #expect(error == .versionConflict(kind: "ticket", id: ticket.id.rawValue, version: next.version))
            #expect(try await store.ops(ticket: ticket.id, after: next.version - 1, through: next.version) == [next])
        }
        // And the stream goes on.
        let rest = Array(ops[Int(acknowledged) + 1..<Int(acknowledged) + 5])
        try await store.commit(ticket: ticket.id, ops: rest, snapshot: nil)
        #expect(try await store.loadTicket(id: ticket.id)?.ops.count == Int(acknowledged) + 5)
        try await store.close()
        await server.kill()
    }

    @Test func restartKeepsTheData() async throws {
        let server = try NXServer()
        try await server.start()
        var fixtures = Fixtures()
        let ada = fixtures.user(name: "Ada 🧮")
        let team = fixtures.team(name: "Première ligne", members: [TeamMember(userID: ada.id, role: .supervisor)])
        let session = fixtures.session(for: ada.id)
        var ticket = fixtures.ticket(subject: "Persistent 😀", requester: ada.id, team: team.id, tags: ["vip"])
        let ops = [
            fixtures.op(.status(.open), version: 1, author: ada.id),
            fixtures.op(.text(.description, .inserting("¡", at: 0)), version: 2, author: ada.id),
        ]
        let notification = fixtures.notification(for: ada.id, ticket: ticket.id, actor: ada.id)

        let first = try openStore(server)
        try await first.migrate()
        try await first.createUser(ada)
        try await first.createTeam(team)
        try await first.createSession(session)
        try await first.createTicket(ticket)
        try await first.commit(ticket: ticket.id, ops: [ops[0]], snapshot: try ticket.applying([ops[0]]))
        try await first.commit(ticket: ticket.id, ops: [ops[1]], snapshot: nil)
        try await first.createNotifications([notification])
        try await first.close()

        // A hard stop, then a new process on the same data, and a new store.
        await server.kill()
        try await server.start()
        let second = try openStore(server)
        try await second.migrate()
        #expect(try await second.user(id: ada.id) == ada)
        #expect(try await second.team(id: team.id) == team)
        #expect(try await second.session(id: session.id) == session)
        ticket = try ticket.applying([ops[0]])
        let loaded = try #require(try await second.loadTicket(id: ticket.id))
        #expect(loaded.snapshot == ticket)
        #expect(loaded.ops == [ops[1]])
        #expect(
            try await second.listTickets(TicketFilter(tag: "vip", query: "persistent"), page: PageRequest())
                .items.map(\.id) == [ticket.id])
        #expect(try await second.notifications(of: ada.id, unreadOnly: true, page: PageRequest()).items == [notification])
        try await second.close()
        await server.kill()
    }

    /// Retries `body` for up to 15 seconds.
    func eventually(_ body: () async throws -> Void) async throws {
        let deadline = ContinuousClock.now + .seconds(15)
        while true {
            do {
                return try await body()
            } catch  where ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }
}
