// Tandem, an open-source real-time technical-support desk. SPDX-License-Identifier: Apache-2.0

import Synchronization
import TandemCore
import TandemStore

/// A store that forwards to another one, with what a test may need to make happen:
/// old operations purged from the op log (the `TicketStore.ops` contract allows it), so
/// that a resubscribe from a version older than what is kept must fall back to a snapshot;
/// one user's record and notifications failing to read, as in a database outage; one
/// user's record slow to read; and ticket commits held back or failing, counted per transaction.
package final class ControlledStore: TandemStore {
    let base: any TandemStore
    private let purgedThrough = Mutex<Int64>(0)
    private let unreadable = Mutex<UserID?>(nil)
    private let held = Mutex<UserID?>(nil)
    private let beforeUserUpdate = Mutex<(@Sendable (UserID) async throws -> Void)?>(nil)
    private let commits = Mutex(Commits())

    private struct Commits {
        /// Commits wait while this is set.
        var held = false
        /// Commits waiting (held) or on their way to the base store.
        var inFlight = 0
        /// Errors the next commits throw, in order, instead of writing.
        var failures: [any Error] = []
        /// The versions of the operations of each commit written, in order.
        var written: [[Int64]] = []
    }

    /// The database is down, as far as reads of a user's record go.
    package struct Unavailable: Error {}

    package init(_ base: any TandemStore) { self.base = base }

    /// From now on, operations with version ≤ `version` are gone from the op log.
    package func purge(through version: Int64) { purgedThrough.withLock { $0 = version } }

    /// From now on (until `nil`), reading `user`'s record or notifications fails.
    package func failReads(of user: UserID?) { unreadable.withLock { $0 = user } }

    /// From now on (until `nil`), reading `user`'s record waits, as on a slow database.
    package func holdReads(of user: UserID?) { held.withLock { $0 = user } }

    /// Runs `hook` (once) just before the next fenced update of a user is written, as a
    /// concurrent request that commits between another request's read and its write.
    package func beforeNextUserUpdate(_ hook: @escaping @Sendable (UserID) async throws -> Void) {
        beforeUserUpdate.withLock { $0 = hook }
    }

    package func updateUser(_ user: User, expecting previous: User) async throws {
        if let hook = beforeUserUpdate.withLock({ hook in
            defer { hook = nil }
            return hook
        }) {
            try await hook(user.id)
        }
        try await base.updateUser(user, expecting: previous)
    }

    package func user(id: UserID) async throws -> User? {
        if unreadable.withLock({ $0 }) == id { throw Unavailable() }
        while held.withLock({ $0 }) == id { try await Task.sleep(for: .milliseconds(5)) }
        return try await base.user(id: id)
    }

    /// From now on (until ``releaseCommits()``), ticket commits wait before writing.
    package func holdCommits() { commits.withLock { $0.held = true } }

    package func releaseCommits() { commits.withLock { $0.held = false } }

    /// The next commit throws `error` and writes nothing (after waiting, if commits are held).
    package func failNextCommit(with error: any Error) { commits.withLock { $0.failures.append(error) } }

    /// Commits called and not yet returned.
    package var commitsInFlight: Int { commits.withLock { $0.inFlight } }

    /// The operation versions of each commit that wrote operations (one store transaction
    /// each), in order; snapshot-only commits are left out.
    package var committedBatches: [[Int64]] { commits.withLock { $0.written } }

    package func commit(ticket: TicketID, ops: [TicketOp], snapshot: Ticket?) async throws {
        commits.withLock { $0.inFlight += 1 }
        defer { commits.withLock { $0.inFlight -= 1 } }
        while commits.withLock({ $0.held }) { try await Task.sleep(for: .milliseconds(2)) }
        let failure: (any Error)? = commits.withLock { $0.failures.isEmpty ? nil : $0.failures.removeFirst() }
        if let failure { throw failure }
        try await base.commit(ticket: ticket, ops: ops, snapshot: snapshot)
        if !ops.isEmpty { commits.withLock { $0.written.append(ops.map(\.version)) } }
    }

    package func ops(ticket: TicketID, after: Int64, through: Int64) async throws -> [TicketOp] {
        let horizon = purgedThrough.withLock { $0 }
        return try await base.ops(ticket: ticket, after: after, through: through).filter { $0.version > horizon }
    }

    package func notifications(of user: UserID, unreadOnly: Bool, page: PageRequest) async throws -> Page<UserNotification> {
        if unreadable.withLock({ $0 }) == user { throw Unavailable() }
        return try await base.notifications(of: user, unreadOnly: unreadOnly, page: page)
    }

    package func unreadCount(of user: UserID) async throws -> Int {
        if unreadable.withLock({ $0 }) == user { throw Unavailable() }
        return try await base.unreadCount(of: user)
    }

    // MARK: Forwarded

    package func migrate() async throws { try await base.migrate() }
    package func ping() async throws { try await base.ping() }
    package func close() async throws { try await base.close() }
    package func createUser(_ user: User) async throws { try await base.createUser(user) }
    package func user(email: String) async throws -> User? { try await base.user(email: email) }
    package func updateUser(_ user: User) async throws { try await base.updateUser(user) }
    package func listUsers(_ filter: UserFilter, page: PageRequest) async throws -> Page<User> {
        try await base.listUsers(filter, page: page)
    }
    package func countUsers() async throws -> Int { try await base.countUsers() }
    package func createTeam(_ team: Team) async throws { try await base.createTeam(team) }
    package func team(id: TeamID) async throws -> Team? { try await base.team(id: id) }
    package func updateTeam(_ team: Team) async throws { try await base.updateTeam(team) }
    package func listTeams(page: PageRequest) async throws -> Page<Team> { try await base.listTeams(page: page) }
    package func memberships(of userID: UserID) async throws -> [TeamID: TeamRole] { try await base.memberships(of: userID) }
    package func createSession(_ session: Session) async throws { try await base.createSession(session) }
    package func session(id: SessionID) async throws -> Session? { try await base.session(id: id) }
    package func rotateRefreshToken(sessionID: SessionID, newHash: String, expiresAt: Timestamp) async throws {
        try await base.rotateRefreshToken(sessionID: sessionID, newHash: newHash, expiresAt: expiresAt)
    }
    package func revokeSession(id: SessionID, at: Timestamp) async throws { try await base.revokeSession(id: id, at: at) }
    package func revokeSessions(of userID: UserID, except keeping: SessionID?, at: Timestamp) async throws -> [SessionID] {
        try await base.revokeSessions(of: userID, except: keeping, at: at)
    }
    package func createTicket(_ ticket: Ticket) async throws { try await base.createTicket(ticket) }
    package func loadTicket(id: TicketID) async throws -> StoredTicket? { try await base.loadTicket(id: id) }
    package func listTickets(_ filter: TicketFilter, page: PageRequest) async throws -> Page<TicketSummary> {
        try await base.listTickets(filter, page: page)
    }
    package func openTickets(team: TeamID?) async throws -> [TicketSummary] { try await base.openTickets(team: team) }
    package func countTickets() async throws -> Int { try await base.countTickets() }
    package func ticketsWithDueReplies(at now: Timestamp, limit: Int) async throws -> [TicketID] {
        try await base.ticketsWithDueReplies(at: now, limit: limit)
    }
    package func createNotifications(_ notifications: [UserNotification]) async throws {
        try await base.createNotifications(notifications)
    }

    package func markRead(user: UserID, ids: [NotificationID]?, at: Timestamp) async throws -> Int {
        try await base.markRead(user: user, ids: ids, at: at)
    }
}
